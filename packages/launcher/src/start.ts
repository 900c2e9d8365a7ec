import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type * as Devnet from "@chainlog/devnet";
import { loadConfig } from "@chainlog/runtime-config";
import { createLogger, installShutdown, redactUrl } from "@chainlog/telemetry";
import { repoRoot } from "./repo-root.ts";
import { serviceBundle } from "./service-bundle.ts";
import { type ServiceName, type ServiceProcess, startService } from "./service-process.ts";

/**
 * The lake writes final blocks in parts a minute apart: during a backfill it yields the cores to ingest and the
 * processor, whose rows the API serves, and catches up after them.
 */
const NICENESS: Partial<Record<ServiceName, number>> = { lake: 10 };

export interface StartParameters {
  env?: Record<string, string | undefined>;
  /**
   * Cluster mode on this machine: starts Kafka, Cassandra and FerretDB with @chainlog/engines (unless
   * KAFKA_BROKERS is given, i.e. engines already run elsewhere) and runs every service on them.
   */
  cluster?: boolean;
}

async function waitReady(url: string, timeoutMs: number, cancelled = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !cancelled()) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function pickDevnetPort(requested: number | undefined): Promise<number> {
  if (requested) return requested;
  // 8545 is what wallets and tools expect; fall back to any free port when it is taken.
  const net = await import("node:net");
  const free = await new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(8545, "127.0.0.1", () => s.close(() => resolve(true)));
  });
  return free ? 8545 : (await import("@chainlog/devnet")).freePort();
}

/** Builds the web bundle once; later starts reuse dist/public/ (turbo caches the build in CI). */
async function ensureWebBuilt(logger: ReturnType<typeof createLogger>): Promise<void> {
  if (existsSync(join(repoRoot, "services/web/dist/public/index.html"))) return;
  logger.info("building the web UI (first start only)");
  const child = spawn("pnpm", ["--filter", "@chainlog/web", "build"], { cwd: repoRoot, stdio: "inherit" });
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  if (code !== 0) throw new Error("web build failed");
}

/** `chainlog start [--cluster]` (what bin/chainlog.mjs runs from the bundle). Resolves once shut down. */
export async function runCommand(argv: string[]): Promise<number> {
  await start({ cluster: argv.includes("--cluster") });
  return 0;
}

/**
 * `chainlog start`: the whole pipeline on this machine. With no RPC URL it also starts an anvil devnet and a
 * workload generator, and keeps that devnet's data apart (it is a new chain at every start).
 */
export async function start(params: StartParameters = {}): Promise<void> {
  const env = { ...(params.env ?? process.env) };
  const config = loadConfig(env, "launcher");
  const logger = createLogger("launcher", config.LOG_LEVEL);
  const { onShutdown } = installShutdown(logger, { timeoutMs: 30_000 });
  const childEnv: Record<string, string> = {};

  if (params.cluster || config.CHAINLOG_MODE === "cluster") {
    childEnv.CHAINLOG_MODE = "cluster";
    if (params.cluster && !env.KAFKA_BROKERS) {
      const { startEngines } = await import("@chainlog/engines");
      const engines = await startEngines({
        nodes: 1,
        log: (line) => logger.info({ component: "engines" }, line),
      });
      onShutdown("engines", () => engines.stop());
      childEnv.KAFKA_BROKERS = engines.kafkaBrokers.join(",");
      childEnv.CASSANDRA_CONTACT_POINTS = engines.cassandraContactPoints.join(",");
      childEnv.CASSANDRA_LOCAL_DC = engines.cassandraLocalDc;
      childEnv.MONGODB_URL = `${engines.mongoUrl.replace(/\/$/, "")}/chainlog`;
      logger.info(
        { kafka: childEnv.KAFKA_BROKERS, cassandra: childEnv.CASSANDRA_CONTACT_POINTS },
        "engines started",
      );
    }
  }

  if (config.rpcUrls.length === 0) {
    // loaded only for a devnet (viem, the contracts): against a given node the launcher starts that much sooner
    const devnet = await import("@chainlog/devnet");
    const dataDir = join(config.dataDir, "devnet");
    rmSync(dataDir, { recursive: true, force: true });
    const anvil = await devnet.startAnvil({
      port: await pickDevnetPort(config.DEVNET_PORT),
      chainId: 31337,
      blockTime: config.DEVNET_BLOCK_TIME,
      // Recent states only: memory stays bounded, and a processor near the head can still trace blocks and read
      // balances at them.
      pruneHistory: 1024,
      gasLimit: 60_000_000n,
    });
    onShutdown("devnet", () => anvil.stop());
    logger.info({ rpcUrl: anvil.rpcUrl }, "devnet started");
    const abort = new AbortController();
    let ready: (v: { contracts: Devnet.WorkloadContracts; accounts: string[] }) => void = () => undefined;
    const deployed = new Promise<{ contracts: Devnet.WorkloadContracts; accounts: string[] }>((r) => {
      ready = r;
    });
    const workload = devnet.runWorkload({
      rpcUrl: anvil.rpcUrl,
      txPerSecond: config.DEVNET_TX_PER_SECOND,
      signal: abort.signal,
      logger: logger.child({ component: "workload" }),
      onReady: (contracts, accounts) => ready({ contracts, accounts }),
    });
    onShutdown("workload", async () => {
      abort.abort();
      await workload.catch(() => undefined);
    });
    // The processor prices against the devnet's own WETH and stablecoin, and keeps a few traders' portfolios.
    const { contracts, accounts } = await Promise.race([
      deployed,
      workload.then(() => {
        throw new Error("the devnet workload stopped before deploying its contracts");
      }),
    ]);
    childEnv.WETH_ADDRESS = env.WETH_ADDRESS || contracts.weth;
    childEnv.STABLECOIN_ADDRESSES = env.STABLECOIN_ADDRESSES || contracts.stablecoin;
    childEnv.WATCHED_ADDRESSES = env.WATCHED_ADDRESSES || accounts.slice(0, 5).join(",");
    // The wallet faucet hands out the workload's tokens (open mint), so a new wallet can trade at once.
    childEnv.API_FAUCET_TOKENS =
      env.API_FAUCET_TOKENS || [contracts.tokenA, contracts.tokenB, contracts.stablecoin].join(",");
    // and one of its NFTs, so a new wallet has an ERC-721 to send.
    childEnv.API_FAUCET_NFTS = env.API_FAUCET_NFTS || contracts.erc721;
    // Wallet swaps: quotes on the workload's pairs, signed transactions through its router.
    childEnv.API_SWAP_PAIRS =
      env.API_SWAP_PAIRS || [contracts.pair, contracts.wethStablePair, contracts.tokenWethPair].join(",");
    childEnv.API_SWAP_ROUTER = env.API_SWAP_ROUTER || contracts.router;
    childEnv.API_STAKE_VAULTS = env.API_STAKE_VAULTS || contracts.vault;
    logger.info(
      { weth: childEnv.WETH_ADDRESS, stablecoin: childEnv.STABLECOIN_ADDRESSES, watched: 5 },
      "devnet contracts deployed",
    );
    // a new chain at every start: its lake lives beside its data, and a few confirmations make a block final
    childEnv.LAKE_CONFIRMATIONS = env.LAKE_CONFIRMATIONS || "12";
    childEnv.ETH_RPC_URL = anvil.rpcUrl;
    childEnv.ETH_RPC_URLS = "";
    childEnv.CHAINLOG_DATA_DIR = dataDir;
  } else {
    logger.info({ endpoints: config.rpcUrls.map(redactUrl) }, "following the configured node(s)");
  }

  // Web users reach query-api through the web's proxy on loopback: believe exactly that hop's X-Forwarded-For
  // (the web overwrites it with the address it saw), so each browser is its own client for rate limits.
  if (!env.API_TRUST_PROXY) childEnv.API_TRUST_PROXY = "127.0.0.1";

  // Set at the signal, before any shutdown hook runs: a service not launched yet is not launched any more.
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopping = true;
    });
  }
  const services: ServiceProcess[] = [];
  const bundles = new Map<ServiceName, Promise<string | undefined>>();
  const bundleOf = (name: ServiceName) => {
    const bundle = bundles.get(name) ?? serviceBundle(name, logger);
    bundles.set(name, bundle);
    return bundle;
  };
  const launch = async (name: ServiceName) => {
    const bundle = await bundleOf(name);
    if (stopping) return;
    const svc = startService(name, childEnv, logger, { bundle, niceness: NICENESS[name] });
    services.push(svc);
    onShutdown(name, () => svc.stop());
  };
  // The raw path first, alone on the cores: consumer before producer, so nothing is published before someone can
  // take it. Readers (and a first start's web build) only once the processor is ready, or after a while anyway.
  // (on a first start both bundles build at once)
  void bundleOf("ingest");
  await launch("processor");
  await launch("ingest");
  const processorUrl = `http://${config.PROCESSOR_HTTP_HOST}:${config.PROCESSOR_HTTP_PORT}`;
  if (!(await waitReady(`${processorUrl}/readyz`, 20_000, () => stopping)) && !stopping)
    logger.warn({ processor: processorUrl }, "processor not ready after 20 s; starting the readers anyway");
  const webBuilt = ensureWebBuilt(logger);
  await launch("query-api");
  if (config.LAKE) {
    await launch("lake");
    logger.info(
      { lake: env.LAKE_DIR || join(childEnv.CHAINLOG_DATA_DIR ?? config.dataDir, "lake") },
      "lake sink started: query it with pnpm chainlog sql",
    );
  }
  try {
    await webBuilt;
    await launch("web");
  } catch (error) {
    // The data path and the API stay useful without the UI; say so instead of tearing everything down.
    logger.error({ err: error }, "the web UI could not be built; running without it");
  }
  const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  const webUrl = `http://${config.WEB_HOST}:${config.WEB_PORT}`;
  if (await waitReady(`${apiUrl}/readyz`, 120_000, () => stopping))
    logger.info({ api: `${apiUrl}/v1/blocks/latest`, docs: `${apiUrl}/docs`, web: webUrl }, "chainlog is up");
  else if (!stopping) logger.error({ api: apiUrl }, "query-api did not become ready within 120 s");
  await Promise.all(services.map((s) => s.done));
}
