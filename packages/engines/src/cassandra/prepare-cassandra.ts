import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { javaBinary } from "../install/toolchain.ts";
import type { ProcessSpec } from "../process/spawn-process.ts";
import {
  CassandraDc,
  cassandraAddress,
  cassandraJvmArgs,
  cassandraLogback,
  cassandraRackDc,
  cassandraYaml,
} from "./cassandra-config.ts";

export interface PrepareCassandraParameters {
  baseDir: string;
  libDir: string;
  nodes: number;
  nativePort: number;
  storagePort: number;
  jmxPort: number;
  heap: string;
}

export function cassandraContactPoints(nativePort: number, nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => `${cassandraAddress(i)}:${nativePort}`);
}

/** Writes each node's cassandra.yaml, rack/dc file and logback config; returns how to start each node. */
export function prepareCassandra(p: PrepareCassandraParameters): ProcessSpec[] {
  return Array.from({ length: p.nodes }, (_, i) => {
    const nodeDir = join(p.baseDir, `cassandra-${i + 1}`);
    for (const sub of ["conf", "data", "commitlog", "saved_caches", "hints", "cdc_raw", "logs", "triggers"])
      mkdirSync(join(nodeDir, sub), { recursive: true });
    const yaml = join(nodeDir, "conf", "cassandra.yaml");
    writeFileSync(
      yaml,
      cassandraYaml({
        address: cassandraAddress(i),
        seeds: `${cassandraAddress(0)}:${p.storagePort}`,
        nativePort: p.nativePort,
        storagePort: p.storagePort,
        nodeDir,
        // one rack per node, as three machines would be: NetworkTopologyStrategy puts a replica on each
        rack: `rack${i + 1}`,
      }),
    );
    writeFileSync(join(nodeDir, "conf", "cassandra-rackdc.properties"), cassandraRackDc(`rack${i + 1}`));
    writeFileSync(join(nodeDir, "conf", "logback.xml"), cassandraLogback);
    return {
      name: `cassandra-${i + 1}`,
      command: javaBinary(),
      args: [
        ...cassandraJvmArgs({ heap: p.heap, nodeDir, jmxPort: p.jmxPort + 100 * i, nodes: p.nodes }),
        "-cp",
        join(p.libDir, "*"),
        "org.apache.cassandra.service.CassandraDaemon",
      ],
      cwd: nodeDir,
      log: join(p.baseDir, "logs", `cassandra-${i + 1}.log`),
      marker: yaml,
    };
  });
}

export { CassandraDc };
