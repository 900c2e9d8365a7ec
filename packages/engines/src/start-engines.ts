import { rmSync } from "node:fs";
import { join } from "node:path";
import { cassandraAddress } from "./cassandra/cassandra-config.ts";
import { CassandraDc, cassandraContactPoints, prepareCassandra } from "./cassandra/prepare-cassandra.ts";
import { engineControl } from "./engine-control.ts";
import { EnginesAlreadyRunningError } from "./errors.ts";
import { ferretDbUrl, prepareFerretDb } from "./ferretdb/prepare-ferretdb.ts";
import { installCassandra } from "./install/install-cassandra.ts";
import { installFerretDb } from "./install/install-ferretdb.ts";
import { installKafka } from "./install/install-kafka.ts";
import { checkJava } from "./install/toolchain.ts";
import { newKafkaClusterId } from "./kafka/kafka-cluster-id.ts";
import { kafkaPorts } from "./kafka/kafka-config.ts";
import { kafkaBrokerList, prepareKafka } from "./kafka/prepare-kafka.ts";
import {
  type EngineName,
  type ResolvedOptions,
  resolveOptions,
  type StartEnginesParameters,
} from "./options.ts";
import { isOurProcess } from "./process/pids.ts";
import { assertPortFree } from "./process/ports.ts";
import {
  type EngineEndpoints,
  type EnginesState,
  readLayout,
  readState,
  removeState,
  writeLayout,
} from "./state.ts";
import { stopEngines } from "./stop-engines.ts";

export interface Engines extends EngineEndpoints {
  nodes: 1 | 3;
  baseDir: string;
  /** How long installing (0-ish when cached) and starting took, in ms. */
  timings: { installMs: number; startMs: number };
  /** SIGTERM every engine, SIGKILL what is left after a grace period; data and logs stay. */
  stop(): Promise<void>;
  /** SIGKILL broker i (0-based), as a crash would. */
  killKafkaBroker(index: number): Promise<void>;
  /** Starts broker i again on its data and waits until the cluster lists it. */
  restartKafkaBroker(index: number): Promise<void>;
  killCassandraNode(index: number): Promise<void>;
  /** Starts node i again on its data and waits until every node sees it up. */
  restartCassandraNode(index: number): Promise<void>;
  killMongo(): Promise<void>;
  restartMongo(): Promise<void>;
}

/**
 * Installs (once, cached) and starts Kafka (KRaft), Cassandra and FerretDB on loopback, waits until each
 * answers its own client, and records the processes in <baseDir>/engines.json.
 */
export async function startEngines(params: StartEnginesParameters = {}): Promise<Engines> {
  const o = resolveOptions(params);
  const has = (e: EngineName) => o.engines.includes(e);
  const started = Date.now();

  const previous = readState(o.baseDir);
  if (previous) {
    if (Object.values(previous.processes).some((p) => isOurProcess(p.pid, p.spec.marker)))
      throw new EnginesAlreadyRunningError(o.baseDir);
    removeState(o.baseDir);
  }
  prepareBaseDir(o);
  await checkPorts(o);

  if (has("kafka") || has("cassandra")) await checkJava();
  const [kafkaJars, cassandraJars, ferret] = await Promise.all([
    has("kafka") ? installKafka(o.cacheDir) : undefined,
    has("cassandra") ? installCassandra(o.cacheDir) : undefined,
    has("mongo") ? installFerretDb(o.cacheDir) : undefined,
  ]);
  const installMs = Date.now() - started;
  const fresh = [kafkaJars, cassandraJars, ferret].some((x) => x?.fresh);
  o.log(`install ${fresh ? "(cold cache)" : "(cached)"} took ${(installMs / 1000).toFixed(1)} s`);

  const layout = readLayout(o.baseDir) ?? { nodes: o.nodes };
  layout.kafkaClusterId ??= newKafkaClusterId();
  writeLayout(o.baseDir, layout);

  const endpoints: EngineEndpoints = {
    kafkaBrokers: has("kafka") ? kafkaBrokerList(o.kafkaPort, o.nodes) : [],
    cassandraContactPoints: has("cassandra") ? cassandraContactPoints(o.cassandraPort, o.nodes) : [],
    cassandraPort: o.cassandraPort,
    cassandraLocalDc: CassandraDc,
    mongoUrl: has("mongo") ? ferretDbUrl(o.mongoPort) : "",
  };
  const state: EnginesState = {
    nodes: o.nodes,
    engines: [...o.engines],
    startedAt: new Date().toISOString(),
    endpoints,
    processes: {},
  };
  const exitGuard = () => {
    // from the file: a restart through attachEngines or the CLI may have replaced a pid
    const current = readStateQuietly(o.baseDir) ?? state;
    for (const p of Object.values(current.processes))
      if (isOurProcess(p.pid, p.spec.marker)) process.kill(p.pid, "SIGKILL");
  };
  if (o.ownedByCaller) process.on("exit", exitGuard);

  const control = engineControl(o.baseDir, state, !o.ownedByCaller);
  const { launch, waits } = control;

  const cassandraSpecs =
    cassandraJars &&
    prepareCassandra({
      baseDir: o.baseDir,
      libDir: cassandraJars.libDir,
      nodes: o.nodes,
      nativePort: o.cassandraPort,
      storagePort: o.cassandraStoragePort,
      jmxPort: o.cassandraJmxPort,
      heap: o.cassandraHeap,
    });
  const ferretSpec =
    ferret && prepareFerretDb({ baseDir: o.baseDir, binary: ferret.binary, port: o.mongoPort });

  let aborted = false;
  const tasks: unknown[] = [];
  try {
    const mongo = ferretSpec && launch(ferretSpec, "mongo", 0);
    // Cassandra is the slowest: its seed node boots while Kafka formats and starts
    const seed = cassandraSpecs?.[0] && launch(cassandraSpecs[0], "cassandra", 0);
    const kafkaSpecs =
      kafkaJars &&
      (await prepareKafka({
        baseDir: o.baseDir,
        libDir: kafkaJars.libDir,
        nodes: o.nodes,
        basePort: o.kafkaPort,
        heap: o.kafkaHeap,
        clusterId: layout.kafkaClusterId,
      }));
    const brokers = kafkaSpecs?.map((spec, i) => launch(spec, "kafka", i)) ?? [];
    const timed = async (name: string, fn: () => Promise<void>) => {
      const t = Date.now();
      await fn();
      o.log(`${name} ready after ${((Date.now() - t) / 1000).toFixed(1)} s`);
    };
    tasks.push(
      mongo && timed("FerretDB", () => waits.mongo(mongo)),
      brokers.length > 0 && timed("Kafka", () => waits.kafka(brokers)),
      seed &&
        timed("Cassandra", async () => {
          const nodes = [seed];
          await waits.cassandraNode(seed);
          // joining nodes bootstrap one at a time, as Cassandra requires
          for (const [i, spec] of (cassandraSpecs ?? []).entries()) {
            if (i === 0 || aborted) continue;
            const node = launch(spec, "cassandra", i);
            nodes.push(node);
            await waits.cassandraNode(node);
          }
          await waits.cassandraCluster(nodes);
        }),
    );
    await Promise.all(tasks);
  } catch (error) {
    aborted = true;
    o.log(`start failed, stopping what was started: ${(error as Error).message.split("\n")[0]}`);
    await stopEngines({ baseDir: o.baseDir, graceMs: 5000 });
    // the other waits end fast once their processes are gone; then nothing can launch any more
    await Promise.allSettled(tasks);
    await stopEngines({ baseDir: o.baseDir, graceMs: 5000 });
    if (o.ownedByCaller) process.off("exit", exitGuard);
    throw error;
  }
  const startMs = Date.now() - started - installMs;
  o.log(
    `engines up in ${(startMs / 1000).toFixed(1)} s (${o.nodes} node${o.nodes > 1 ? "s" : ""}) in ${o.baseDir}`,
  );

  return enginesApi(o.baseDir, state, control, { installMs, startMs }, () => {
    if (o.ownedByCaller) process.off("exit", exitGuard);
  });
}

/** The Engines object over a running state (here or, through attachEngines, in another process). */
export function enginesApi(
  baseDir: string,
  state: EnginesState,
  control: ReturnType<typeof engineControl>,
  timings: Engines["timings"],
  onStop: () => void,
): Engines {
  const kafkaName = (i: number) => `kafka-${checkIndex(i, state.nodes) + 1}`;
  const cassandraName = (i: number) => `cassandra-${checkIndex(i, state.nodes) + 1}`;
  return {
    ...state.endpoints,
    nodes: state.nodes,
    baseDir,
    timings,
    async stop() {
      await stopEngines({ baseDir });
      onStop();
    },
    killKafkaBroker: (i) => control.kill(kafkaName(i)),
    restartKafkaBroker: (i) => control.restart(kafkaName(i)),
    killCassandraNode: (i) => control.kill(cassandraName(i)),
    restartCassandraNode: (i) => control.restart(cassandraName(i)),
    killMongo: () => control.kill("ferretdb"),
    restartMongo: () => control.restart("ferretdb"),
  };
}
function readStateQuietly(baseDir: string): EnginesState | undefined {
  try {
    return readState(baseDir);
  } catch {
    return undefined;
  }
}

function checkIndex(index: number, nodes: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= nodes)
    throw new RangeError(`node index ${index} out of range 0..${nodes - 1}`);
  return index;
}

function prepareBaseDir(o: ResolvedOptions): void {
  const layout = readLayout(o.baseDir);
  if (o.fresh || (layout && layout.nodes !== o.nodes)) {
    if (layout && layout.nodes !== o.nodes && !o.fresh)
      o.log(`${o.baseDir} held a ${layout.nodes}-node setup; starting ${o.nodes} node(s) on fresh data`);
    for (const sub of [
      "kafka-1",
      "kafka-2",
      "kafka-3",
      "cassandra-1",
      "cassandra-2",
      "cassandra-3",
      "ferretdb",
    ])
      rmSync(join(o.baseDir, sub), { recursive: true, force: true });
    rmSync(join(o.baseDir, "layout.json"), { force: true });
  }
}

async function checkPorts(o: ResolvedOptions): Promise<void> {
  const checks: Promise<void>[] = [];
  for (let i = 0; i < o.nodes; i++) {
    if (o.engines.includes("kafka")) {
      const { clientPort, controllerPort } = kafkaPorts(o.kafkaPort, i);
      checks.push(assertPortFree("127.0.0.1", clientPort, `Kafka broker ${i + 1}`));
      checks.push(assertPortFree("127.0.0.1", controllerPort, `Kafka controller ${i + 1}`));
    }
    if (o.engines.includes("cassandra")) {
      const address = cassandraAddress(i);
      checks.push(assertPortFree(address, o.cassandraPort, `Cassandra ${i + 1} CQL`));
      checks.push(assertPortFree(address, o.cassandraStoragePort, `Cassandra ${i + 1} storage`));
      checks.push(assertPortFree("127.0.0.1", o.cassandraJmxPort + 100 * i, `Cassandra ${i + 1} JMX`));
    }
  }
  if (o.engines.includes("mongo")) checks.push(assertPortFree("127.0.0.1", o.mongoPort, "FerretDB"));
  await Promise.all(checks);
}
