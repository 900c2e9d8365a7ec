import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCassandraStore } from "@chainlog/cassandra-store";
import { type Anvil, freePort, type StartAnvilParameters, startAnvil } from "@chainlog/devnet";
import {
  type EngineName,
  EngineStartError,
  type Engines,
  freeEnginePorts,
  startEngines,
} from "@chainlog/engines";
import { type ServiceName, type ServiceProcess, startService } from "@chainlog/launcher";
import type { Store } from "@chainlog/ports";
import { createLogger } from "@chainlog/telemetry";
import { prepareTopics } from "./prepare-topics.ts";

export interface ClusterPipeline {
  env: Record<string, string>;
  apiUrl: string;
  services: Map<ServiceName, ServiceProcess>;
  /** SIGKILL, as a crash or an OOM kill would: no shutdown hook runs. */
  kill(name: ServiceName): Promise<void>;
  restart(name: ServiceName): void;
  /** Processes that died without kill() and were brought back by the launcher. */
  readonly unplannedRestarts: number;
  /** For a failing test's message: exits nobody planned, and each service's last warn/error/fatal lines. */
  diagnose(): string;
  stop(): Promise<void>;
}

export interface ClusterRun {
  engines: Engines;
  anvil: Anvil;
  pipeline: ClusterPipeline;
  /** A reader on the pipeline's keyspace, for the checker. */
  store: Store;
  stop(): Promise<void>;
}

export interface StartClusterRunParameters {
  nodes: 1 | 3;
  engines?: EngineName[];
  services?: ServiceName[];
  /** The launcher's restart budget per service; 0 means a crash stays a crash (fails the test). */
  maxRestarts?: number;
  anvil?: StartAnvilParameters;
  /** Heap of each service process, MB. */
  serviceHeapMb?: number;
  extraEnv?: Record<string, string>;
  /** Called with engine start time etc. */
  onPhase?: (phase: string) => void;
}

/**
 * Engines on fresh ports and a fresh base dir, an anvil, and the pipeline as separate processes in cluster
 * mode against them, on a keyspace of its own.
 */
export async function startClusterRun(params: StartClusterRunParameters): Promise<ClusterRun> {
  const baseDir = mkdtempSync(join(tmpdir(), "chainlog-fault-"));
  const dataDir = join(baseDir, "services");
  const rf = params.nodes === 3 ? 3 : 1;
  const startOnFreshPorts = async (dir: string) =>
    startEngines({
      nodes: params.nodes,
      baseDir: join(baseDir, dir),
      engines: params.engines ?? ["kafka", "cassandra", "mongo"],
      ...(await freeEnginePorts(params.nodes)),
      log: (line) => {
        if (process.env.FAULT_VERBOSE === "1") console.error(line);
      },
    });
  // One more try on other ports: on a machine shared with other test runs a free port can be taken before the
  // JVM binds it. Engine start-up has tests of its own (packages/engines); here it is only the setting.
  const enginesP = startOnFreshPorts("engines").catch(async (error: unknown) => {
    if (!(error instanceof EngineStartError)) throw error;
    console.warn(`[fault-injection] engines failed to start, retrying once on other ports: ${error.message}`);
    return startOnFreshPorts("engines-retry");
  });
  const anvilP = startAnvil({ noMining: true, accounts: 8, ...params.anvil });
  const [enginesR, anvilR] = await Promise.allSettled([enginesP, anvilP]);
  if (enginesR.status === "rejected" || anvilR.status === "rejected") {
    if (enginesR.status === "fulfilled") await enginesR.value.stop();
    if (anvilR.status === "fulfilled") await anvilR.value.kill();
    rmSync(baseDir, { recursive: true, force: true });
    throw enginesR.status === "rejected" ? enginesR.reason : (anvilR as PromiseRejectedResult).reason;
  }
  const engines = enginesR.value;
  const anvil = anvilR.value;
  params.onPhase?.("enginesStart");

  const keyspace = `fault_${Date.now().toString(36)}`;
  const apiPort = await freePort();
  const env: Record<string, string> = {
    CHAINLOG_MODE: "cluster",
    CHAINLOG_DATA_DIR: dataDir,
    ETH_RPC_URL: anvil.rpcUrl,
    ETH_RPC_URLS: "",
    ETH_WS_URL: "",
    API_PORT: String(apiPort),
    INGEST_HTTP_PORT: String(await freePort()),
    PROCESSOR_HTTP_PORT: String(await freePort()),
    KAFKA_BROKERS: engines.kafkaBrokers.join(","),
    KAFKA_REPLICATION_FACTOR: String(rf),
    CASSANDRA_CONTACT_POINTS: engines.cassandraContactPoints.join(","),
    CASSANDRA_LOCAL_DC: engines.cassandraLocalDc,
    CASSANDRA_KEYSPACE: keyspace,
    CASSANDRA_REPLICATION_FACTOR: String(rf),
    MONGODB_URL: engines.mongoUrl ? `${engines.mongoUrl.replace(/\/$/, "")}/${keyspace}` : "",
    // without a metadata store the processor reads no watchlists (it would wait for one at every start)
    // nor can ingest hold a leader lease: the run has one ingest, so no election
    ...(engines.mongoUrl ? {} : { PROCESSOR_WATCHLIST_REFRESH_MS: "0", CHAINLOG_LEADER_LEASE: "off" }),
    BUS_PARTITIONS: "4",
    LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? "warn",
    NODE_OPTIONS: `--max-old-space-size=${params.serviceHeapMb ?? 256}`,
    ...params.extraEnv,
  };
  const store = createCassandraStore({
    logger: createLogger("fault-injection-store", "warn"),
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    keyspace,
    replicationFactor: rf,
    port: engines.cassandraPort,
  });
  // Topics before the services start: on three brokers their concurrent creation races (see prepare-topics.ts).
  // The schema is not prepared here: the services migrate it themselves, concurrently, as they do in production.
  try {
    await prepareTopics({
      brokers: engines.kafkaBrokers,
      partitions: Number(env.BUS_PARTITIONS),
      replicationFactor: rf,
    });
  } catch (error) {
    await Promise.allSettled([store.close(), engines.stop(), anvil.kill()]);
    rmSync(baseDir, { recursive: true, force: true });
    throw error;
  }
  params.onPhase?.("topics");
  const logger = createLogger("fault-injection", "warn");
  const services = new Map<ServiceName, ServiceProcess>();
  const planned = new Set<number>();
  const launched: ServiceProcess[] = [];
  let unplannedRestarts = 0;
  const launch = (name: ServiceName) => {
    const svc = startService(name, env, logger, {
      maxRestarts: params.maxRestarts ?? 0,
      keepProblemLines: 12,
    });
    launched.push(svc);
    let pid = svc.child.pid;
    // the launcher swaps the child on its own restarts: count those, they are crashes we did not cause
    const watch = setInterval(() => {
      const now = svc.child.pid;
      if (now !== pid) {
        if (pid === undefined || !planned.has(pid)) unplannedRestarts++;
        pid = now;
      }
    }, 200);
    watch.unref();
    void svc.done.then(() => clearInterval(watch));
    services.set(name, svc);
  };
  const names = params.services ?? (["processor", "ingest", "query-api"] as ServiceName[]);
  for (const name of names) launch(name);

  const pipeline: ClusterPipeline = {
    env,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    services,
    get unplannedRestarts() {
      return unplannedRestarts;
    },
    diagnose() {
      const lines: string[] = [];
      for (const svc of launched) {
        const exits = svc.exits.filter((e) => e.pid === undefined || !planned.has(e.pid));
        for (const e of exits)
          lines.push(
            `${svc.name} (pid ${e.pid}) exited unplanned at ${e.at}: code ${e.code}, signal ${e.signal}`,
          );
      }
      for (const name of new Set(launched.map((s) => s.name))) {
        const problems = launched.filter((s) => s.name === name).flatMap((s) => s.problemLines);
        if (problems.length)
          lines.push(`${name}, last problems:`, ...problems.slice(-12).map((l) => `  ${l}`));
      }
      return lines.length ? lines.join("\n") : "no service exited unplanned or logged a warning";
    },
    async kill(name) {
      const svc = services.get(name);
      if (!svc) return;
      const child = svc.child;
      if (child.pid !== undefined) planned.add(child.pid);
      // stop() first so the launcher does not bring it back itself; then the crash proper
      const gone = new Promise<void>((r) =>
        child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r()),
      );
      child.kill("SIGKILL");
      await gone;
      await svc.stop();
    },
    restart(name) {
      launch(name);
    },
    async stop() {
      await Promise.all([...services.values()].map((s) => s.stop()));
    },
  };

  return {
    engines,
    anvil,
    pipeline,
    store,
    async stop() {
      await Promise.allSettled([pipeline.stop(), store.close()]);
      await Promise.allSettled([engines.stop(), anvil.kill()]);
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a test body; if it throws, the error carries the pipeline's diagnosis (unplanned exits, last warnings),
 * so a CI page shows why the pipeline stalled rather than only which wait timed out.
 */
export async function withDiagnosis<T>(run: ClusterRun, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Error)
      error.message = `${error.message}\n--- pipeline ---\n${run.pipeline.diagnose()}`;
    throw error;
  }
}
