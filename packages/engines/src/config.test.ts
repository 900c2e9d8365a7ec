import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cassandraYaml } from "./cassandra/cassandra-config.ts";
import { EngineStartError } from "./errors.ts";
import { freeEnginePorts } from "./free-engine-ports.ts";
import { kafkaServerProperties, kafkaVoters } from "./kafka/kafka-config.ts";
import { startEngines } from "./start-engines.ts";
import { readState } from "./state.ts";

describe("engine configuration", () => {
  it("gives three Kafka nodes the same static voters, RF 3 and min ISR 2, on loopback only", () => {
    const voters = kafkaVoters(9092, 3);
    expect(voters).toBe("1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097");
    const props = kafkaServerProperties({
      nodeId: 2,
      nodes: 3,
      clientPort: 9094,
      controllerPort: 9095,
      voters,
      dataDir: "/d",
    });
    expect(props).toContain("listeners=PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095\n");
    for (const line of [
      "node.id=2",
      "default.replication.factor=3",
      "min.insync.replicas=2",
      "offsets.topic.replication.factor=3",
      "transaction.state.log.replication.factor=3",
      "transaction.state.log.min.isr=2",
    ])
      expect(props).toContain(`${line}\n`);
    expect(
      kafkaServerProperties({ nodeId: 1, nodes: 1, clientPort: 1, controllerPort: 2, voters, dataDir: "/d" }),
    ).toContain("offsets.topic.replication.factor=1\n");
  });

  it("binds a Cassandra node to its own loopback address with all its directories under its folder", () => {
    const yaml = cassandraYaml({
      address: "127.0.0.2",
      seeds: "127.0.0.1:7000",
      nativePort: 9042,
      storagePort: 7000,
      nodeDir: "/n2",
      rack: "rack2",
    });
    expect(yaml).toMatch(/^listen_address: 127\.0\.0\.2$/m);
    expect(yaml).toMatch(/^rpc_address: 127\.0\.0\.2$/m);
    expect(yaml).toMatch(/^num_tokens: 16$/m);
    expect(yaml).toContain('commitlog_directory: "/n2/commitlog"');
  });
});

describe("start failures", () => {
  it("reports a process that dies at start with its log, and leaves nothing running", async () => {
    const baseDir = mkdtempSync(join(tmpdir(), "chainlog-engines-fail-"));
    try {
      const error = await startEngines({
        baseDir,
        engines: ["cassandra"],
        cassandraHeap: "lots",
        log: () => {},
        ...(await freeEnginePorts(1)),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineStartError);
      expect((error as Error).message).toMatch(
        /cassandra-1 exited[\s\S]*Invalid (initial|maximum) heap size/,
      );
      expect(readState(baseDir)).toBeUndefined();
    } finally {
      rmSync(baseDir, { recursive: true, force: true });
    }
  }, 600_000);
});
