import { createRpcMetrics, createRpcPool } from "@chainlog/rpc";
import {
  configAtStart,
  openBus,
  openMetaStore,
  openOperationalState,
  parseEndpoints,
} from "@chainlog/runtime-config";
import {
  createLogger,
  createMetricsRegistry,
  installShutdown,
  redactUrl,
  startHealthServer,
} from "@chainlog/telemetry";
import { Topics } from "@chainlog/tx-schema";
import { createIngest } from "./ingest.ts";
import { argvOverrides } from "./ingest-env.ts";
import { createIngestMetrics } from "./ingest-metrics.ts";
import { fenceCursor, fenceSink } from "./leader/fence.ts";
import { createLeaderElection, leaderHolderId, leaderLeaseName } from "./leader/leader-election.ts";
import { createLeaderRunner } from "./leader/run-as-leader.ts";
import { createBusSink } from "./publish/block-sink.ts";
import { createStoreCursor } from "./publish/cursor-store.ts";
import { createStatusReporter, defaultInstance } from "./status/report-status.ts";
import { watchHeads } from "./sync-realtime/watch-heads.ts";

// The command line's --from/--to/--since stand in for their variables.
const config = configAtStart("ingest", () => ({ ...process.env, ...argvOverrides(process.argv.slice(2)) }));
const logger = createLogger("ingest", config.LOG_LEVEL);

async function main() {
  if (config.rpcUrls.length === 0) throw new Error("no RPC endpoint: set ETH_RPC_URL or ETH_RPC_URLS");
  const endpoints = parseEndpoints(config.rpcUrls);
  logger.info({ endpoints: endpoints.map((e) => ({ ...e, url: redactUrl(e.url) })) }, "starting ingest");

  const registry = createMetricsRegistry("ingest");
  const pool = createRpcPool({
    endpoints,
    maxLag: config.MAX_LAG,
    timeoutMs: config.RPC_TIMEOUT_MS,
    maxConcurrency: config.INGEST_MAX_CONCURRENCY,
    logger: logger.child({ component: "rpc-pool" }),
    metrics: createRpcMetrics(registry),
  });
  const nodeChainId = Number(BigInt(await pool.request("eth_chainId", [])));
  if (config.CHAIN_ID !== undefined && config.CHAIN_ID !== nodeChainId)
    throw new Error(`CHAIN_ID is ${config.CHAIN_ID} but the RPC endpoints serve chain ${nodeChainId}`);

  const { onShutdown, shutdown } = installShutdown(logger);
  const bus = await openBus(config, logger);
  onShutdown("bus", () => bus.close());
  await bus.ensureTopics([
    {
      name: Topics.blocks,
      partitions: config.BUS_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    },
  ]);
  // cursors and status reports only: ingest never creates or migrates the chain tables
  const store = await openOperationalState(config, logger);
  onShutdown("store", () => store.close());

  // Replicas elect one publisher through a lease in the metadata store (CHAINLOG_LEADER_LEASE; off: no election).
  let election: ReturnType<typeof createLeaderElection> | null = null;
  const metrics = createIngestMetrics(registry);
  if (config.CHAINLOG_LEADER_LEASE > 0) {
    const meta = await openMetaStore(config, logger);
    onShutdown("metastore", () => meta.close());
    election = createLeaderElection({
      leases: meta,
      name: leaderLeaseName(nodeChainId),
      holder: leaderHolderId(config),
      ttlMs: config.CHAINLOG_LEADER_LEASE,
      logger: logger.child({ component: "leader" }),
      onChange: (leader, token) => {
        metrics.leader.set(leader ? 1 : 0);
        metrics.leaderToken.set(token);
        if (leader) metrics.leaderTerms.inc();
      },
    });
  }
  // One newHeads subscription for the process; it wakes whichever term's ingest registered last.
  let wakeIngest: (() => void) | undefined;
  const wsUrl = config.ETH_WS_URL;
  if (wsUrl) {
    const unwatch = watchHeads(wsUrl, logger, () => wakeIngest?.());
    onShutdown("newHeads", () => unwatch());
  }
  const cursor = createStoreCursor(store, nodeChainId);
  const ingestFor = (term: { token: number; assertHeld(): void } | null) =>
    createIngest({
      pool,
      sink: term ? fenceSink(createBusSink(bus, Topics.blocks, term.token), term) : createBusSink(bus),
      cursor: term ? fenceCursor(cursor, term) : cursor,
      chainId: nodeChainId,
      logger,
      metrics,
      reorgDepth: config.REORG_DEPTH,
      maxLag: config.MAX_LAG,
      from: config.INGEST_FROM,
      to: config.INGEST_TO,
      sinceSeconds: config.INGEST_SINCE,
      blocksPerBatch: config.INGEST_BATCH_BLOCKS,
      pollIntervalMs: config.INGEST_POLL_MS,
      stuckAfterMs: config.INGEST_STUCK_AFTER_S * 1000,
      onHeadSignal: (wake) => {
        wakeIngest = wake;
      },
    });
  const runner = createLeaderRunner({ election, ingestFor, logger });
  // A standby's status shows its endpoints' health through an ingest that never runs.
  const idle = ingestFor(null);
  const server = await startHealthServer({
    port: config.INGEST_HTTP_PORT,
    host: config.INGEST_HTTP_HOST,
    metrics: registry,
    ready: runner.health.ready,
    routes: { "/status": runner.health.status },
  });
  onShutdown("http", () => new Promise<void>((r) => server.close(() => r())));
  logger.info({ port: config.INGEST_HTTP_PORT }, "health and metrics listening");

  // Every 5 s into the store, for /v1/status; stopped before the store closes.
  const reporter = createStatusReporter({
    store,
    ingest: { status: () => (runner.current() ?? idle).status() },
    isLeader: () => runner.current() !== null,
    pool,
    instance: defaultInstance(config.POD_NAME),
    logger: logger.child({ component: "status" }),
  });
  reporter.start();
  onShutdown("status", () => reporter.stop());

  // Registered last, so it stops first: the batch in flight is published and the cursor saved before the
  // bus and store close.
  const abort = new AbortController();
  const running = runner.run(abort.signal);
  onShutdown("ingest", async () => {
    abort.abort();
    // fetches in flight end at once (nothing of theirs was published; they are fetched again after a restart),
    // so a slow node cannot hold the shutdown past the grace period
    pool.close();
    await running.catch(() => undefined);
  });
  await running;
  if (!abort.signal.aborted) {
    logger.info({ to: config.INGEST_TO }, "range done");
    await shutdown("done");
  }
}

main().catch((error: Error) => {
  logger.fatal({ err: error }, "ingest failed");
  process.exit(1);
});
