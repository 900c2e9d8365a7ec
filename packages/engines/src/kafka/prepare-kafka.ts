import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { javaBinary } from "../install/toolchain.ts";
import { runCommand } from "../process/run-command.ts";
import type { ProcessSpec } from "../process/spawn-process.ts";
import {
  kafkaJvmArgs,
  kafkaLog4jProperties,
  kafkaPorts,
  kafkaServerProperties,
  kafkaVoters,
} from "./kafka-config.ts";

export interface PrepareKafkaParameters {
  baseDir: string;
  libDir: string;
  nodes: number;
  basePort: number;
  heap: string;
  clusterId: string;
}

export function kafkaBrokerList(basePort: number, nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => `127.0.0.1:${kafkaPorts(basePort, i).clientPort}`);
}

/**
 * Writes each node's server.properties, formats its KRaft storage the first time (same cluster id and
 * static voters on every node), and returns how to start each node.
 */
export async function prepareKafka(p: PrepareKafkaParameters): Promise<ProcessSpec[]> {
  const voters = kafkaVoters(p.basePort, p.nodes);
  const classpath = join(p.libDir, "*");
  return Promise.all(
    Array.from({ length: p.nodes }, async (_, i) => {
      const nodeDir = join(p.baseDir, `kafka-${i + 1}`);
      const dataDir = join(nodeDir, "data");
      const props = join(nodeDir, "server.properties");
      mkdirSync(join(nodeDir, "logs"), { recursive: true });
      const { clientPort, controllerPort } = kafkaPorts(p.basePort, i);
      writeFileSync(
        props,
        kafkaServerProperties({ nodeId: i + 1, nodes: p.nodes, clientPort, controllerPort, voters, dataDir }),
      );
      writeFileSync(join(nodeDir, "log4j.properties"), kafkaLog4jProperties);
      const jvm = kafkaJvmArgs(p.heap, nodeDir);
      if (!existsSync(join(dataDir, "meta.properties"))) {
        await runCommand({
          command: javaBinary(),
          args: [
            "-Xmx256m",
            `-Dlog4j.configuration=file:${nodeDir}/log4j.properties`,
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            "format",
            "--ignore-formatted",
            "-t",
            p.clusterId,
            "-c",
            props,
          ],
          timeoutMs: 120_000,
        });
      }
      return {
        name: `kafka-${i + 1}`,
        command: javaBinary(),
        args: [...jvm, "-cp", classpath, "kafka.Kafka", props],
        cwd: nodeDir,
        log: join(p.baseDir, "logs", `kafka-${i + 1}.log`),
        marker: props,
      };
    }),
  );
}
