/**
 * query-api on the embedded store under autocannon, loopback only: tx-by-hash and address-page next to a bare
 * route of the same server (GET /bench/noop, registered only here) as the ceiling. The server runs in a child
 * process so the load generator does not steal its event loop.
 *
 *   node --import tsx src/api.bench.ts [--duration 10] [--connections 10] [--rate 2000]
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const BLOCKS = 1000;
const TXS_PER_BLOCK = 25;

interface Ready {
  url: string;
  txHashes: string[];
  hotAddress: string;
  hotCount: number;
}

async function serve(dir: string): Promise<void> {
  const { createSqliteMetaStore, createSqliteStore } = await import("@chainlog/embedded");
  const { addressOf, buildBlock } = await import("@chainlog/ports/contract");
  const { createLogger, createMetricsRegistry } = await import("@chainlog/telemetry");
  const { createApiServer } = await import("./server.ts");
  const store = createSqliteStore({ path: join(dir, "store.db") });
  const meta = createSqliteMetaStore({ path: join(dir, "meta.db") });
  await store.migrate();
  await meta.migrate();
  const hot = addressOf("bench-hot");
  const txHashes: string[] = [];
  let hotCount = 0;
  for (let start = 1; start <= BLOCKS; start += 100) {
    const batch = [];
    for (let n = start; n < start + 100 && n <= BLOCKS; n++) {
      const b = buildBlock({
        number: n,
        txs: Array.from({ length: TXS_PER_BLOCK }, (_, i) => ({
          from: addressOf(`bench-${(n * TXS_PER_BLOCK + i) % 5000}`),
          to: i % 5 === 0 ? hot : addressOf(`bench-to-${i}`),
          transfers:
            i % 10 === 0 ? [{ token: addressOf("bench-token"), from: hot, to: addressOf(`r${i}`) }] : [],
        })),
      });
      hotCount += b.transactions.filter((t) => t.to === hot).length;
      if (n % 4 === 0) txHashes.push(...b.transactions.map((t) => t.hash));
      batch.push(b);
    }
    await store.writeBlocks(batch);
  }
  const app = await createApiServer({
    store,
    meta,
    logger: createLogger("query-api-bench", "error"),
    metrics: createMetricsRegistry("query-api-bench"),
    config: { ipRateLimit: { perSecond: 0, burst: 1 } },
  });
  app.get("/bench/noop", async () => ({ ok: true }));
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  process.send?.({ url, txHashes, hotAddress: hot, hotCount } satisfies Ready);
  // CPU the server spent, so per-request cost can be read even on a machine shared with other work.
  process.on("message", (m) => {
    if (m === "cpu") process.send?.({ cpu: process.cpuUsage() });
  });
  process.on("disconnect", () => {
    void app.close().then(() => process.exit(0));
  });
}

interface Figures {
  name: string;
  /** Server CPU microseconds per request (user + system). */
  cpuUs: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

let serverCpu: () => Promise<number> = async () => 0;

async function load(
  name: string,
  url: string,
  paths: () => string,
  opts: { duration: number; connections: number; rate?: number },
): Promise<Figures> {
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
    name,
    cpuUs: (cpuAfter - cpuBefore) / Math.max(1, result.requests.total),
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      serve: { type: "string" },
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "10" },
      rate: { type: "string", default: "2000" },
    },
  });
  if (values.serve) return serve(values.serve);

  const dir = mkdtempSync(join(tmpdir(), "chainlog-api-bench-"));
  const child = fork(fileURLToPath(import.meta.url), ["--serve", dir], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const cleanup = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", cleanup);
  try {
    const t0 = Date.now();
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once("message", (m) => resolve(m as Ready));
      child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    serverCpu = () =>
      new Promise((resolve) => {
        child.once("message", (m) => {
          const { cpu } = m as { cpu: NodeJS.CpuUsage };
          resolve(cpu.user + cpu.system);
        });
        child.send("cpu");
      });
    console.log(
      `seeded ${BLOCKS} blocks / ${BLOCKS * TXS_PER_BLOCK} txs in ${((Date.now() - t0) / 1000).toFixed(1)} s; hot address has ${ready.hotCount} txs`,
    );
    const opts = { duration: Number(values.duration), connections: Number(values.connections) };
    let i = 0;
    const randomTx = () => `/v1/tx/${ready.txHashes[(i++ * 7919) % ready.txHashes.length]}`;
    const addressPage = () => `/v1/address/${ready.hotAddress}/txs?limit=25`;
    const noop = () => "/bench/noop";

    // Warm-up so JIT and SQLite page cache are hot for every route.
    for (const p of [noop, randomTx, addressPage])
      await load("warmup", ready.url, p, { ...opts, duration: 2 });

    const rows: Figures[] = [];
    rows.push(await load("noop (ceiling)", ready.url, noop, opts));
    rows.push(await load("tx-by-hash", ready.url, randomTx, opts));
    rows.push(await load("address page (25)", ready.url, addressPage, opts));
    const rate = Number(values.rate);
    rows.push(await load(`noop @${rate}/s`, ready.url, noop, { ...opts, rate }));
    rows.push(await load(`tx-by-hash @${rate}/s`, ready.url, randomTx, { ...opts, rate }));
    rows.push(await load(`address page @${rate}/s`, ready.url, addressPage, { ...opts, rate }));

    const ceiling = rows[0]!;
    console.log(
      `\nmachine: ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}, node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}; ${opts.connections} connections, ${opts.duration} s per run\n`,
    );
    console.log(
      "route                      req/s   p50 ms   p99 ms   req/s ÷ noop   server CPU µs/req (÷ noop)   errors/non-2xx",
    );
    for (const r of rows)
      console.log(
        `${r.name.padEnd(24)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)}   ${(r.rps / ceiling.rps).toFixed(2).padStart(12)}   ${r.cpuUs.toFixed(0).padStart(8)} (${(r.cpuUs / ceiling.cpuUs).toFixed(2)})             ${r.errors}/${r.non2xx}`,
      );
    const bad = rows.filter((r) => r.errors > 0 || r.non2xx > 0);
    if (bad.length) throw new Error(`failed requests in: ${bad.map((r) => r.name).join(", ")}`);
  } finally {
    child.disconnect();
    cleanup();
  }
}

await main();
