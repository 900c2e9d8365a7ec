/**
 * query-api under autocannon, loopback only, on the embedded store and on Cassandra (a private single node from
 * @chainlog/engines): tx-by-hash, address-page, the Etherscan-compatible txlist/tokentx pages (one hot page, which
 * the answer cache serves, and "uncached": a distinct endblock per request, so every answer is built) and any
 * address's balances (tokens from the store's holdings: no node here) next to a bare route of the same server (GET /bench/noop,
 * registered only here) as the ceiling. Each server runs in a child process so the load generator does not steal
 * its event loop; both stores are seeded with the same blocks.
 *
 *   node --import tsx src/api.bench.ts [--stores embedded,cassandra] [--rounds 3] [--duration 5] [--connections 10]
 *     [--rate 2000] [--only tx-by-hash,uncached]   [--profile dir]
 *   (--only: rows whose name contains one of these, beside noop; --profile: the server's --cpu-prof into dir)
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Store } from "@chainlog/ports";
import autocannon from "autocannon";

const BLOCKS = 1000;
const TXS_PER_BLOCK = 25;
type StoreKind = "embedded" | "cassandra";

interface Ready {
  url: string;
  txHashes: string[];
  hotAddress: string;
  hotCount: number;
  seedSeconds: number;
}

interface CassandraEndpoints {
  contactPoints: string[];
  localDc: string;
  port: number;
}

/** 25,000 transactions; every fifth goes to one hot address, every tenth moves a token whose metadata is known. */
async function seed(store: Store): Promise<Omit<Ready, "url" | "seedSeconds">> {
  const { addressOf, buildBlock } = await import("@chainlog/ports/contract");
  const hot = addressOf("bench-hot");
  const token = addressOf("bench-token");
  await store.upsertTokens([
    { address: token, standard: "erc20", name: "Bench", symbol: "BNCH", decimals: 18, firstSeenBlock: 1 },
  ]);
  const txHashes: string[] = [];
  let hotCount = 0;
  for (let start = 1; start <= BLOCKS; start += 50) {
    const batch = [];
    for (let n = start; n < start + 50 && n <= BLOCKS; n++) {
      const b = buildBlock({
        number: n,
        txs: Array.from({ length: TXS_PER_BLOCK }, (_, i) => ({
          from: addressOf(`bench-${(n * TXS_PER_BLOCK + i) % 5000}`),
          to: i % 5 === 0 ? hot : addressOf(`bench-to-${i}`),
          transfers: i % 10 === 0 ? [{ token, from: hot, to: addressOf(`r${i}`) }] : [],
        })),
      });
      hotCount += b.transactions.filter((t) => t.to === hot).length;
      if (n % 4 === 0) txHashes.push(...b.transactions.map((t) => t.hash));
      batch.push(b);
    }
    await store.writeBlocks(batch);
  }
  return { txHashes, hotAddress: hot, hotCount };
}

async function openBenchStore(kind: StoreKind, dir: string): Promise<Store> {
  if (kind === "embedded") {
    const { createSqliteStore } = await import("@chainlog/embedded");
    return createSqliteStore({ path: join(dir, "store.db") });
  }
  const { createCassandraStore } = await import("@chainlog/cassandra-store");
  const c = JSON.parse(process.env.BENCH_CASSANDRA ?? "null") as CassandraEndpoints | null;
  if (!c) throw new Error("BENCH_CASSANDRA not set");
  return createCassandraStore({
    logger: (await import("@chainlog/telemetry")).createLogger("query-api-bench-store", "error"),
    contactPoints: c.contactPoints,
    localDataCenter: c.localDc,
    port: c.port,
    keyspace: `chainlog_api_bench_${process.pid}`,
  });
}

async function serve(kind: StoreKind, dir: string): Promise<void> {
  const { createSqliteMetaStore } = await import("@chainlog/embedded");
  const { createLogger, createMetricsRegistry } = await import("@chainlog/telemetry");
  const { createApiServer } = await import("./server.ts");
  const store = await openBenchStore(kind, dir);
  const meta = createSqliteMetaStore({ path: join(dir, "meta.db") });
  await store.migrate();
  await meta.migrate();
  const t0 = Date.now();
  const seeded = await seed(store);
  const seedSeconds = (Date.now() - t0) / 1000;
  const app = await createApiServer({
    store,
    meta,
    logger: createLogger("query-api-bench", "error"),
    metrics: createMetricsRegistry("query-api-bench"),
    config: { ipRateLimit: { perSecond: 0, burst: 1 } },
  });
  app.get("/bench/noop", async () => ({ ok: true }));
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  process.send?.({ url, ...seeded, seedSeconds } satisfies Ready);
  // CPU the server spent, so per-request cost can be read even on a machine shared with other work.
  process.on("message", (m) => {
    if (m === "cpu") process.send?.({ cpu: process.cpuUsage() });
  });
  process.on("disconnect", () => {
    void app
      .close()
      .then(() => store.close())
      .then(() => meta.close())
      .finally(() => process.exit(0));
  });
}

interface Figures {
  store: StoreKind;
  name: string;
  /** Server CPU microseconds per request (user + system). */
  cpuUs: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(
  serverCpu: () => Promise<number>,
  url: string,
  paths: () => string,
  opts: { duration: number; connections: number; rate?: number },
): Promise<Omit<Figures, "store" | "name">> {
  const cpuBefore = await serverCpu();
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.duration,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }],
  });
  const cpuAfter = await serverCpu();
  return {
    cpuUs: (cpuAfter - cpuBefore) / Math.max(1, result.requests.total),
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Starts one server child on `kind`, runs every row against it, stops it. */
async function benchStore(
  kind: StoreKind,
  opts: {
    duration: number;
    connections: number;
    rate: number;
    rounds: number;
    only: string[];
    profile?: string;
  },
  env: NodeJS.ProcessEnv,
): Promise<Figures[]> {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-api-bench-"));
  const child = fork(fileURLToPath(import.meta.url), ["--serve", dir, "--store", kind], {
    execArgv: ["--import", "tsx", ...(opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${opts.profile}`] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env,
  });
  const kill = () => child.kill("SIGKILL");
  process.on("exit", kill);
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once("message", (m) => resolve(m as Ready));
      child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
    });
    const serverCpu = () =>
      new Promise<number>((resolve) => {
        child.once("message", (m) => {
          const { cpu } = m as { cpu: NodeJS.CpuUsage };
          resolve(cpu.user + cpu.system);
        });
        child.send("cpu");
      });
    console.log(
      `${kind}: seeded ${BLOCKS} blocks / ${BLOCKS * TXS_PER_BLOCK} txs in ${ready.seedSeconds.toFixed(1)} s; hot address has ${ready.hotCount} txs`,
    );
    let i = 0;
    const randomTx = () => `/v1/tx/${ready.txHashes[(i++ * 7919) % ready.txHashes.length]}`;
    const addressPage = () => `/v1/address/${ready.hotAddress}/txs?limit=25`;
    const noop = () => "/bench/noop";
    const etherscan = (action: string) => () =>
      `/api?module=account&action=${action}&address=${ready.hotAddress}&page=1&offset=25&sort=desc`;
    const txlist = etherscan("txlist");
    const tokentx = etherscan("tokentx");
    // endblock above every block: the same rows, another cache key each time
    let miss = 0;
    const uncached = (p: () => string) => () => `${p()}&endblock=${BLOCKS + (miss++ % 1_000_000_000)}`;
    const uncachedTxlist = uncached(txlist);
    const uncachedTokentx = uncached(tokentx);
    const balances = () => `/v1/address/${ready.hotAddress}/balances`;
    // An Etherscan refusal is HTTP 200 too: make sure these rows measure real answers.
    for (const p of [txlist, tokentx, uncachedTxlist, uncachedTokentx]) {
      const body = (await (await fetch(`${ready.url}${p()}`)).json()) as {
        status: string;
        result: unknown[];
      };
      if (body.status !== "1" || body.result.length !== 25) throw new Error(`${p()} answered ${body.status}`);
    }
    // Interleaved rounds, median per row: the machine is shared, and a burst of someone else's work then spoils
    // one round of every route instead of all rounds of one route (which would skew the ratios).
    const fullPlan: [string, () => string, number | undefined][] = [
      ["noop (ceiling)", noop, undefined],
      ["tx-by-hash", randomTx, undefined],
      ["address page (25)", addressPage, undefined],
      [`noop @${opts.rate}/s`, noop, opts.rate],
      [`tx-by-hash @${opts.rate}/s`, randomTx, opts.rate],
      [`address page @${opts.rate}/s`, addressPage, opts.rate],
      ["api txlist (25)", txlist, undefined],
      ["api tokentx (25)", tokentx, undefined],
      ["balances", balances, undefined],
      ["api txlist uncached", uncachedTxlist, undefined],
      ["api tokentx uncached", uncachedTokentx, undefined],
      [`api txlist @${opts.rate}/s`, txlist, opts.rate],
      [`api tokentx @${opts.rate}/s`, tokentx, opts.rate],
      [`balances @${opts.rate}/s`, balances, opts.rate],
      [`api txlist uncached @${opts.rate}/s`, uncachedTxlist, opts.rate],
      [`api tokentx uncached @${opts.rate}/s`, uncachedTokentx, opts.rate],
    ];
    // --only: a short A/B of a few rows (the noop ceiling always stays, it is every ratio's base)
    const plan = fullPlan.filter(
      ([name], k) => k === 0 || opts.only.length === 0 || opts.only.some((o) => name.includes(o)),
    );
    // Warm-up so JIT, prepared statements and page caches are hot for every route.
    for (const p of new Set(plan.map(([, p]) => p)))
      await load(serverCpu, ready.url, p, { ...opts, duration: 2, rate: undefined });
    const rounds = plan.map(() => [] as Omit<Figures, "store" | "name">[]);
    for (let round = 0; round < opts.rounds; round++)
      // `rate` undefined: as fast as the server answers (the rows' ceilings); else offered at that rate.
      for (const [k, [, p, rate]] of plan.entries())
        rounds[k]!.push(await load(serverCpu, ready.url, p, { ...opts, rate }));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rows: Figures[] = plan.map(([name], k) => {
      const rs = rounds[k]!;
      return {
        store: kind,
        name,
        cpuUs: median(rs.map((r) => r.cpuUs)),
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        errors: rs.reduce((n, r) => n + r.errors, 0),
        non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
      };
    });
    return rows;
  } finally {
    child.disconnect();
    await new Promise((r) => {
      const t = setTimeout(r, 10_000);
      child.once("exit", () => {
        clearTimeout(t);
        r(undefined);
      });
    });
    kill();
    process.off("exit", kill);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      serve: { type: "string" },
      store: { type: "string", default: "embedded" },
      stores: { type: "string", default: "embedded,cassandra" },
      duration: { type: "string", default: "5" },
      rounds: { type: "string", default: "3" },
      connections: { type: "string", default: "10" },
      rate: { type: "string", default: "2000" },
      only: { type: "string", default: "" },
      profile: { type: "string" },
    },
  });
  if (values.serve) return serve(values.store as StoreKind, values.serve);

  const kinds = values.stores.split(",").map((s) => s.trim()) as StoreKind[];
  for (const k of kinds)
    if (k !== "embedded" && k !== "cassandra") throw new Error(`--stores: unknown store ${k}`);
  const opts = {
    duration: Number(values.duration),
    connections: Number(values.connections),
    rate: Number(values.rate),
    rounds: Math.max(1, Number(values.rounds)),
    only: values.only
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    ...(values.profile ? { profile: values.profile } : {}),
  };
  const rows: Figures[] = [];
  for (const kind of kinds) {
    if (kind === "embedded") {
      rows.push(...(await benchStore(kind, opts, process.env)));
      continue;
    }
    const { testEngines } = await import("@chainlog/engines");
    const t0 = Date.now();
    const engines = await testEngines(["cassandra"]);
    console.log(`cassandra ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    try {
      const endpoints: CassandraEndpoints = {
        contactPoints: engines.cassandraContactPoints,
        localDc: engines.cassandraLocalDc,
        port: engines.cassandraPort,
      };
      rows.push(
        ...(await benchStore(kind, opts, { ...process.env, BENCH_CASSANDRA: JSON.stringify(endpoints) })),
      );
    } finally {
      await engines.stop();
    }
  }

  console.log(
    `\nmachine: ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        " ",
      )}; ${opts.connections} connections; median of ${opts.rounds} interleaved rounds of ${opts.duration} s\n` +
      "(server CPU is the API process only; Cassandra's own JVM is not in it)\n",
  );
  console.log(
    "store      route                              req/s   p50 ms   p99 ms   req/s ÷ noop   server CPU µs/req (÷ noop)   errors/non-2xx",
  );
  for (const r of rows) {
    // Each store's own noop row is its ceiling: same server, same moment of the machine's load.
    const ceiling = rows.find((c) => c.store === r.store)!;
    console.log(
      `${r.store.padEnd(10)} ${r.name.padEnd(32)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)}   ${(r.rps / ceiling.rps).toFixed(2).padStart(12)}   ${r.cpuUs.toFixed(0).padStart(8)} (${(r.cpuUs / ceiling.cpuUs).toFixed(2)})             ${r.errors}/${r.non2xx}`,
    );
  }
  const bad = rows.filter((r) => r.errors > 0 || r.non2xx > 0);
  if (bad.length) throw new Error(`failed requests in: ${bad.map((r) => `${r.store} ${r.name}`).join(", ")}`);
}

await main();
