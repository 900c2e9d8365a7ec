import { EngineStartError, EngineStateError } from "./errors.ts";
import { cassandraReady } from "./health/cassandra-ready.ts";
import { kafkaReady } from "./health/kafka-ready.ts";
import { mongoReady } from "./health/mongo-ready.ts";
import { waitUntil } from "./health/wait-until.ts";
import type { EngineName } from "./options.ts";
import { isOurProcess, killPid } from "./process/pids.ts";
import { isListening } from "./process/ports.ts";
import { type ProcessSpec, spawnProcess } from "./process/spawn-process.ts";
import { type EnginesState, type ProcessRecord, readState, writeState } from "./state.ts";

// generous: three JVMs each booting on a 2-core machine shared with other test runs took 112 s once
const KafkaTimeoutMs = 300_000;
const CassandraTimeoutMs = 300_000;
const MongoTimeoutMs = 60_000;

function hostPort(address: string | undefined): [string, number] {
  const [host, port] = (address ?? "").split(":");
  return [host ?? "", Number(port)];
}

/**
 * Starts, kills, restarts and health-waits the processes of one engines state, keeping
 * <baseDir>/engines.json current — shared by startEngines and attachEngines (another process).
 */
export function engineControl(baseDir: string, state: EnginesState, detached: boolean) {
  const { endpoints, nodes } = state;
  const plural = nodes > 1 ? "s" : "";

  // The file is the truth: another process (attachEngines, the CLI) may have restarted a process since.
  const current = (): EnginesState => {
    try {
      return readState(baseDir) ?? state;
    } catch {
      return state;
    }
  };
  const launch = (spec: ProcessSpec, engine: EngineName, index: number): ProcessRecord => {
    const record: ProcessRecord = { spec, pid: spawnProcess(spec, detached), engine, index };
    state.processes[spec.name] = record;
    const onDisk = current();
    onDisk.processes[spec.name] = record;
    writeState(baseDir, onDisk);
    return record;
  };
  const record = (name: string): ProcessRecord => {
    const r = current().processes[name];
    if (!r) throw new EngineStateError(`no engine process named ${name} in ${baseDir}`);
    return r;
  };

  const waits = {
    kafka: (procs: ProcessRecord[]) =>
      waitUntil(() => kafkaReady(endpoints.kafkaBrokers, nodes), {
        what: `Kafka (${nodes} broker${plural})`,
        timeoutMs: KafkaTimeoutMs,
        processes: procs,
      }),
    /** Answered by that broker itself: it serves metadata again, and the cluster lists every broker. */
    kafkaBroker: (r: ProcessRecord) => {
      const own = endpoints.kafkaBrokers[r.index] ?? "";
      return waitUntil(() => kafkaReady([own], nodes), {
        what: `${r.spec.name} in the cluster`,
        timeoutMs: KafkaTimeoutMs,
        processes: [r],
      });
    },
    cassandraNode: (r: ProcessRecord) => {
      const [host, port] = hostPort(endpoints.cassandraContactPoints[r.index]);
      return waitUntil(() => isListening(host, port), {
        what: `${r.spec.name} CQL port`,
        timeoutMs: CassandraTimeoutMs,
        processes: [r],
        intervalMs: 1000,
      });
    },
    cassandraCluster: (procs: ProcessRecord[]) =>
      waitUntil(() => cassandraReady(endpoints.cassandraContactPoints, endpoints.cassandraLocalDc, nodes), {
        what: `Cassandra (${nodes} node${plural} up)`,
        timeoutMs: CassandraTimeoutMs,
        processes: procs,
        intervalMs: 1000,
      }),
    mongo: (r: ProcessRecord) =>
      waitUntil(() => mongoReady(endpoints.mongoUrl), {
        what: "FerretDB",
        timeoutMs: MongoTimeoutMs,
        processes: [r],
      }),
  };

  /** SIGKILL, as a crash would; resolves once the process is gone. */
  const kill = async (name: string) => {
    const r = record(name);
    await killPid(r.pid, r.spec.marker);
  };

  /** Starts a stopped process again on its data and waits until its engine counts it healthy. */
  const restart = async (name: string) => {
    const r = record(name);
    if (isOurProcess(r.pid, r.spec.marker))
      throw new EngineStartError(`${name} is still running (pid ${r.pid})`);
    const again = launch(r.spec, r.engine, r.index);
    if (again.engine === "kafka") await waits.kafkaBroker(again);
    else if (again.engine === "cassandra") {
      await waits.cassandraNode(again);
      await waits.cassandraCluster([again]);
    } else await waits.mongo(again);
  };

  return { launch, record, waits, kill, restart };
}
