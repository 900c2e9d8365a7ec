/**
 * `pnpm bench compare`: Chainlog against the node's own ceiling and its peers, on one chain, in one run.
 *
 * Builds a chain of the devnet workload's mix (BENCH_BLOCKS, default 1,000 blocks × BENCH_TXS 40 transactions)
 * on a non-pruned anvil (traces need its history), then measures in interleaved rounds (BENCH_ROUNDS, default 3;
 * the median is reported):
 *   ceiling     bare batched fetch (blocks with transactions + eth_getBlockReceipts, JSON parsed, nothing else),
 *               best of a batch × concurrency grid;
 *   export      `chainlog export` (CSV, its six ethereum-etl files) as a command;
 *   etl         ethereum-etl 2.4.2's six files (blocks+transactions, receipts+logs, token transfers, tokens);
 *   cryo        cryo 0.3.2 (blocks, transactions, logs, erc20_transfers) from Python;
 *   start       `chainlog start` with default settings against the node, from spawning the command until every
 *               block's raw rows are stored (raw) and until every block is enriched with its traces (traces),
 *               read from the store file itself every 100 ms — so start-up counts, and a block counts once the
 *               API can serve it; peak memory is the largest sum of the pipeline processes' RSS seen meanwhile;
 *   trace loop  bare debug_traceBlockByNumber (callTracer) over every block, one request at a time.
 * Peers are installed into ~/.cache/chainlog/peers on first use (bench/peers.ts); one that cannot be installed
 * is left out and said so. BENCH_MEASURES (comma list of ceiling, export, etl, cryo, start, traces, traceloop;
 * default all) runs a subset, e.g. `ceiling,start` for the raw catch-up alone (start stops once the raw rows are
 * stored unless traces is listed). BENCH_RPC_URL measures a chain already built (e.g. an anvil kept from an
 * earlier run) instead of building one; BENCH_CPU_PROF=<dir> collects CPU profiles of the pipeline's processes.
 * BENCH_NODE_CPUS (e.g. `0`) gives the node those CPUs and everything measured the others, as a node on a
 * machine of its own would be (BENCH_NODE_PID names the node's process when BENCH_RPC_URL is given): by default
 * they all share every CPU, and on a small machine the node and what reads it take CPU from each other.
 * Beside each time it reports the CPU seconds of what was measured (its whole process tree) and of the node
 * meanwhile (where /proc and the node's process are known): a shared machine's speed drifts by tens of percent
 * from minute to minute, and the CPU a measure spends per second of the node's CPU drifts far less.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { buildWorkloadChain, freePort, rpc, startAnvil } from "@chainlog/devnet";
import { createSqliteStore } from "@chainlog/embedded";
import { ensurePeers } from "./peers.ts";

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 1000);
const TXS = Number(process.env.BENCH_TXS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEASURES = ["ceiling", "export", "etl", "cryo", "start", "traces", "traceloop"];
const measured = new Set((process.env.BENCH_MEASURES ?? MEASURES.join(",")).split(",").map((m) => m.trim()));
for (const m of measured)
  if (!MEASURES.includes(m))
    throw new Error(`BENCH_MEASURES: unknown measure ${m} (known: ${MEASURES.join(", ")})`);
const repo = join(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "chainlog-compare-"));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** CPU seconds of what was measured and of the node meanwhile (null where they could not be read). */
type Cpu = { own: number | null; node: number | null };
type Timed = { ms: number; cpu: Cpu | null };
const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
const seconds = (x: number | null) => (x === null ? "—" : x.toFixed(1));
const hex = (n: number) => `0x${n.toString(16)}`;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = repo): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.slice(0, 2).join(" ")} failed: ${r.stderr?.toString().slice(-2000)}`);
  return performance.now() - t;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return JSON.parse(await res.text());
}

/** Blocks 0..head with receipts, `batch` blocks a request, `concurrency` requests in flight; JSON parse only. */
async function bareFetch(url: string, head: number, batch: number, concurrency: number): Promise<number> {
  const t = performance.now();
  let next = 0;
  const worker = async () => {
    while (next <= head) {
      const from = next;
      next += batch;
      const calls = [];
      for (let n = from; n < Math.min(head + 1, from + batch); n++)
        calls.push(
          { jsonrpc: "2.0", id: calls.length, method: "eth_getBlockByNumber", params: [hex(n), true] },
          { jsonrpc: "2.0", id: calls.length + 1, method: "eth_getBlockReceipts", params: [hex(n)] },
        );
      const out = (await post(url, calls)) as { error?: unknown }[];
      if (!Array.isArray(out) || out.some((o) => o.error)) throw new Error("the ceiling's fetch failed");
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - t;
}

async function ceiling(
  url: string,
  head: number,
  clock: ReturnType<typeof cpuClock>,
): Promise<Timed & { shape: string }> {
  let best = { ms: Number.POSITIVE_INFINITY, shape: "", cpu: null as Cpu | null };
  for (const batch of [10, 20])
    for (const concurrency of [8, 16]) {
      const before = clock();
      const ms = await bareFetch(url, head, batch, concurrency);
      const after = clock();
      // the fetch runs in this process
      const cpu = { own: after.self - before.self, node: delta(before.node, after.node) };
      if (ms < best.ms) best = { ms, shape: `${batch} blocks × ${concurrency} in flight`, cpu };
    }
  return best;
}

async function traceLoop(url: string, head: number): Promise<number> {
  const t = performance.now();
  for (let n = 1; n <= head; n++) {
    const out = (await post(url, {
      jsonrpc: "2.0",
      id: 1,
      method: "debug_traceBlockByNumber",
      params: [hex(n), { tracer: "callTracer" }],
    })) as { error?: unknown };
    if (out.error) throw new Error(`trace of block ${n} failed: ${JSON.stringify(out.error)}`);
  }
  return performance.now() - t;
}

function etl(bin: string, url: string, head: number, dir: string): number {
  mkdirSync(dir, { recursive: true });
  const o = (f: string) => join(dir, f);
  const common = ["-p", url, "-b", "100", "-w", "8"];
  const t = performance.now();
  run(bin, [
    "export_blocks_and_transactions",
    "-s",
    "0",
    "-e",
    String(head),
    ...common,
    "--blocks-output",
    o("blocks.csv"),
    "--transactions-output",
    o("transactions.csv"),
  ]);
  run(bin, ["extract_csv_column", "-i", o("transactions.csv"), "-c", "hash", "-o", o("tx_hashes.txt")]);
  run(bin, [
    "export_receipts_and_logs",
    "-t",
    o("tx_hashes.txt"),
    ...common,
    "--receipts-output",
    o("receipts.csv"),
    "--logs-output",
    o("logs.csv"),
  ]);
  run(bin, ["extract_token_transfers", "-l", o("logs.csv"), "-o", o("token_transfers.csv")]);
  run(bin, [
    "extract_csv_column",
    "-i",
    o("token_transfers.csv"),
    "-c",
    "token_address",
    "-o",
    o("token_addresses.txt"),
  ]);
  const unique = [...new Set(readFileSync(o("token_addresses.txt"), "utf8").split(/\r?\n/).filter(Boolean))];
  writeFileSync(o("token_addresses.txt"), `${unique.join("\n")}\n`);
  run(bin, ["export_tokens", "-t", o("token_addresses.txt"), "-p", url, "-o", o("tokens.csv")]);
  return performance.now() - t;
}

/**
 * cryo from Python. Its files are written and closed when freeze returns; the interpreter's own exit then
 * sometimes aborts in cryo's runtime threads ("PyGILState_Release … must be current"), so it exits at once.
 */
function cryo(python: string, url: string, head: number, dir: string): number {
  mkdirSync(dir, { recursive: true });
  const script = `import cryo\ncryo.freeze(["blocks", "transactions", "logs", "erc20_transfers"], rpc=${JSON.stringify(url)}, blocks=["0:${head + 1}"], output_dir=${JSON.stringify(dir)}, csv=True, no_verbose=True, max_concurrent_requests=16)\nimport os\nos._exit(0)\n`;
  return run(python, ["-c", script]);
}

/** What `pnpm chainlog export` runs (pnpm's own start-up aside). */
function exportCommand(url: string, head: number, dir: string): number {
  return run(process.execPath, [
    "packages/launcher/bin/chainlog.mjs",
    "export",
    "--rpc-url",
    url,
    "--from",
    "0",
    "--to",
    String(head),
    "--out",
    dir,
  ]);
}

/**
 * A process's parent, resident pages and CPU clock ticks (its own, and its waited-for descendants'), from /proc
 * (null once it is gone, or where there is no /proc).
 */
function procStat(
  pid: number | "self",
): { ppid: number; rssPages: number; cpuTicks: number; childrenTicks: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return null;
  }
  // the command name may hold spaces and parentheses: the fields start after its last ")"
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    ppid: Number(fields[1]),
    rssPages: Number(fields[21]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    childrenTicks: Number(fields[13]) + Number(fields[14]),
  };
}

const ticksPerSecond = existsSync("/proc/self/stat")
  ? Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100)
  : 100;

/**
 * CPU seconds used so far by this process, by the processes it spawned and waited for (a command's whole tree:
 * each parent waits for its children), and by the node when its process is known. Wall time on a shared
 * machine moves with its speed from minute to minute; CPU per node CPU second does much less.
 */
function cpuClock(
  nodePid: number | null,
): () => { self: number; children: number | null; node: number | null } {
  return () => {
    const u = process.cpuUsage();
    const mine = procStat("self");
    const node = nodePid ? procStat(nodePid) : null;
    return {
      self: (u.user + u.system) / 1e6,
      children: mine ? mine.childrenTicks / ticksPerSecond : null,
      node: node ? node.cpuTicks / ticksPerSecond : null,
    };
  };
}

/** Every process's parent and RSS (KiB), from `ps`: where there is no /proc (macOS). */
function psRows(): Array<{ pid: number; ppid: number; rssKiB: number }> {
  const ps = spawnSync("ps", ["-eo", "pid=,ppid=,rss="], { encoding: "utf8" }).stdout;
  return ps
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number))
    .map(([pid = 0, ppid = 0, rssKiB = 0]) => ({ pid, ppid, rssKiB }));
}

/** A process and every process below it, from each process's parent. */
function descendants(root: number, rows: Iterable<{ pid: number; ppid: number }>): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of rows) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]!) ?? []));
  return found;
}

/**
 * Sum of RSS (MiB) of a process and its descendants. It samples while the catch-up is measured, on the same CPUs:
 * a `ps` per sample took about 8 ms of CPU from what was measured, so it reads /proc where there is one (under
 * 1 ms), and finds the tree again only each second (the launcher spawns its services once, at the start).
 */
function createTreeRss(root: number): () => number {
  if (!existsSync("/proc/self/stat"))
    return () => {
      const rows = psRows();
      const tree = new Set(descendants(root, rows));
      return rows.filter((r) => tree.has(r.pid)).reduce((sum, r) => sum + r.rssKiB, 0) / 1024;
    };
  const pageMiB =
    Number(spawnSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).stdout.trim() || 4096) / 2 ** 20;
  const procRows = function* () {
    for (const name of readdirSync("/proc")) {
      const pid = Number(name);
      const ppid = Number.isInteger(pid) ? procStat(pid)?.ppid : undefined;
      if (ppid !== undefined) yield { pid, ppid };
    }
  };
  let tree = [root];
  let foundAt = Number.NEGATIVE_INFINITY;
  return () => {
    if (performance.now() - foundAt > 1_000) {
      tree = descendants(root, procRows());
      foundAt = performance.now();
    }
    return tree.reduce((sum, pid) => sum + (procStat(pid)?.rssPages ?? 0), 0) * pageMiB;
  };
}

async function start(url: string, head: number, dir: string) {
  const env = {
    ETH_RPC_URL: url,
    ETH_RPC_URLS: "",
    CHAINLOG_DATA_DIR: dir,
    API_PORT: String(await freePort()),
    WEB_PORT: String(await freePort()),
    INGEST_HTTP_PORT: String(await freePort()),
    PROCESSOR_HTTP_PORT: String(await freePort()),
    LOG_LEVEL: "warn",
    // BENCH_CPU_PROF=<dir>: every process of the pipeline writes a V8 CPU profile there when it exits
    ...(process.env.BENCH_CPU_PROF
      ? {
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${join(import.meta.dirname, "cpu-profile.mjs")}`,
          CHAINLOG_CPU_PROF: process.env.BENCH_CPU_PROF,
        }
      : {}),
  };
  const t = performance.now();
  // what `pnpm start` runs (pnpm's own start-up aside)
  const child = spawn(process.execPath, ["packages/launcher/bin/chainlog.mjs", "start"], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: "ignore",
  });
  const treeRss = createTreeRss(child.pid!);
  let peak = 0;
  let raw = 0;
  let traced = 0;
  let firstMs = 0;
  let rawMs = 0;
  let tracesMs = 0;
  let enrichedAtRaw = 0;
  let store: ReturnType<typeof createSqliteStore> | null = null;
  try {
    while (tracesMs === 0 && !(rawMs > 0 && !measured.has("traces"))) {
      peak = Math.max(peak, treeRss());
      if (performance.now() - t > 1_800_000) throw new Error("chainlog start did not catch up within 30 min");
      if (child.exitCode !== null) throw new Error(`chainlog start exited with ${child.exitCode}`);
      if (!store && existsSync(join(dir, "store.db")))
        store = createSqliteStore({ path: join(dir, "store.db") });
      if (store) {
        for (const h of await store.getHeights(raw, 5_000)) if (h.number === raw) raw += 1;
        if (raw > 0 && firstMs === 0) firstMs = performance.now() - t;
        for (const h of await store.getHeights(traced, 5_000))
          if (h.number === traced && h.enriched) traced += 1;
        if (raw > head && rawMs === 0) {
          rawMs = performance.now() - t;
          enrichedAtRaw = traced; // how far enrichment (traces) got meanwhile: it yields to raw while catching up
        }
        if (traced > head) tracesMs = performance.now() - t;
      }
      await sleep(100);
    }
    if (tracesMs === 0) return { firstMs, rawMs, tracesMs, enrichedAtRaw, peakMiB: peak, notTraced: 0 };
    // every block's traces were read, not turned off: the figure is for traces complete
    const hashes: string[] = [];
    for (let n = 0; n <= head; n++) hashes.push((await store!.getBlockByNumber(n))!.hash);
    const marks = await store!.getEnrichment(hashes);
    const notTraced = [...marks.values()].filter((m) => m.traces !== "done" && m.traces !== "none").length;
    return { firstMs, rawMs, tracesMs, enrichedAtRaw, peakMiB: peak, notTraced };
  } finally {
    await store?.close();
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
  }
}

const peers = measured.has("etl") || measured.has("cryo") ? ensurePeers() : { etl: null, cryo: null };
if (!existsSync(join(repo, "services/web/dist/public/index.html")))
  run("pnpm", ["--filter", "@chainlog/web", "build"]); // the launcher would build it during the first start
/** CPU numbers of a taskset list such as "0", "0,2" or "0-1". */
function cpuList(list: string): number[] {
  return list.split(",").flatMap((part) => {
    const [a, b = a] = part.split("-").map((x) => Number(x.trim()));
    if (!Number.isInteger(a) || !Number.isInteger(b) || a! < 0 || b! < a!)
      throw new Error(`BENCH_NODE_CPUS: "${list}" is not a CPU list such as 0 or 0,1 or 0-1`);
    return Array.from({ length: b! - a! + 1 }, (_, i) => a! + i);
  });
}

/**
 * Pins the node's process (all its threads) to `nodeCpus` and this process to the other CPUs, so everything it
 * spawns from now on (ceiling, export, peers, the pipeline) runs beside the node and never on its CPUs.
 */
function placeNode(nodeCpus: string, nodePid: number): string {
  const node = cpuList(nodeCpus);
  const rest = Array.from({ length: cpus().length }, (_, i) => i).filter((c) => !node.includes(c));
  if (rest.length === 0) throw new Error(`BENCH_NODE_CPUS=${nodeCpus} leaves no CPU for what is measured`);
  for (const [cpus, pid] of [
    [node, nodePid],
    [rest, process.pid],
  ] as const) {
    const r = spawnSync("taskset", ["-a", "-p", "-c", cpus.join(","), String(pid)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`taskset for pid ${pid} failed: ${r.stderr || r.error?.message}`);
  }
  return `node on CPU ${node.join(",")}, everything measured on CPU ${rest.join(",")}`;
}

// Every block's state kept in memory (anvil's default keeps few and answers -32001 for older ones): each block
// can be traced, as on an archive node.
const given = process.env.BENCH_RPC_URL;
const anvil = given
  ? null
  : await startAnvil({ noMining: true, gasLimit: 100_000_000n, pruneHistory: BLOCKS * 3 + 1000 });
let unplace = () => {};
try {
  let built: { head: number; transactions: number };
  if (anvil) {
    console.log(`building ${BLOCKS} blocks × ${TXS} txs of the workload's mix… (load ${load()})`);
    const b = await buildWorkloadChain({ rpcUrl: anvil.rpcUrl, blocks: BLOCKS, txPerBlock: TXS });
    built = b;
    console.log(
      `chain: ${b.head + 1} blocks, ${b.transactions} workload txs (${(b.transactions / b.trafficBlocks).toFixed(1)}/block); sent by kind ${JSON.stringify(b.stats.byKind)}`,
    );
  } else {
    const url = given!;
    const head = Number(await rpc(url, "eth_blockNumber"));
    let transactions = 0;
    for (let n = 0; n <= head; n++)
      transactions += Number(await rpc(url, "eth_getBlockTransactionCountByNumber", [hex(n)]));
    built = { head, transactions };
    console.log(`chain at ${url}: ${head + 1} blocks, ${transactions} txs`);
  }
  const head = built.head;
  const url = given ?? anvil!.rpcUrl;
  await rpc(url, "eth_blockNumber");
  // placed after the chain is built: building it is not measured
  const nodeCpus = process.env.BENCH_NODE_CPUS;
  let placement = "node and everything measured share every CPU";
  if (nodeCpus) {
    const pid = anvil?.process.pid ?? Number(process.env.BENCH_NODE_PID);
    if (!Number.isInteger(pid) || pid <= 0)
      throw new Error("BENCH_NODE_CPUS with BENCH_RPC_URL needs BENCH_NODE_PID, the node's process id");
    placement = placeNode(nodeCpus, pid);
    // a node we did not start gets every CPU back at the end (ours stops anyway); cpus(), not
    // availableParallelism(), which counts only the CPUs this process is now pinned to
    if (!anvil)
      unplace = () => spawnSync("taskset", ["-a", "-p", "-c", `0-${cpus().length - 1}`, String(pid)]);
  }
  console.log(`placement: ${placement}`);
  const clock = cpuClock(anvil?.process.pid ?? (Number(process.env.BENCH_NODE_PID) || null));
  /** The CPU of the processes spawned and waited for since `before`, and the node's. */
  const spawnedCpuSince = (before: ReturnType<typeof clock>): Cpu => {
    const after = clock();
    return { own: delta(before.children, after.children), node: delta(before.node, after.node) };
  };
  const times: Record<string, number[]> = {};
  const cpuTimes: Record<string, Cpu[]> = {};
  const note = (k: string, ms: number, cpu: Cpu | null = null) => {
    times[k] = [...(times[k] ?? []), ms];
    if (cpu) cpuTimes[k] = [...(cpuTimes[k] ?? []), cpu];
  };
  /** Runs a command-running measure and notes its time and the CPU of its process tree and of the node. */
  const measureCommand = async (k: string, fn: () => number | Promise<number>) => {
    const before = clock();
    const ms = await fn();
    note(k, ms, spawnedCpuSince(before));
  };
  let shape = "";
  let peak = 0;
  let notTraced = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}/${ROUNDS} (load ${load()})`);
    if (measured.has("ceiling")) {
      const c = await ceiling(url, head, clock);
      note("ceiling", c.ms, c.cpu);
      shape = c.shape;
    }
    if (measured.has("export"))
      await measureCommand("export", () => exportCommand(url, head, join(work, `export-${round}`)));
    if (peers.etl && measured.has("etl"))
      await measureCommand("etl", () => etl(peers.etl!, url, head, join(work, `etl-${round}`)));
    if (peers.cryo && measured.has("cryo"))
      await measureCommand("cryo", () => cryo(peers.cryo!, url, head, join(work, `cryo-${round}`)));
    if (measured.has("start") || measured.has("traces")) {
      // the pipeline's CPU from its spawn to its exit (it is stopped once caught up), this process's polling aside
      const before = clock();
      const s = await start(url, head, join(work, `start-${round}`));
      const cpu = spawnedCpuSince(before);
      note("start first", s.firstMs);
      note("start raw", s.rawMs, cpu);
      console.log(`  enriched when raw was stored: ${s.enrichedAtRaw} of ${head + 1} blocks`);
      if (s.tracesMs > 0) note("start traces", s.tracesMs);
      peak = Math.max(peak, s.peakMiB);
      notTraced += s.notTraced;
    }
    if (measured.has("traceloop")) note("trace loop", await traceLoop(url, head));
    for (const k of Object.keys(times)) {
      const cpu = cpuTimes[k]?.length === times[k]!.length ? cpuTimes[k]!.at(-1) : undefined;
      const cpuText = cpu ? ` (CPU ${seconds(cpu.own)} s, node ${seconds(cpu.node)} s)` : "";
      console.log(`  ${k.padEnd(13)} ${(times[k]!.at(-1)! / 1000).toFixed(2)} s${cpuText}`);
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const s = (k: string) => (m[k] === undefined ? "—" : `${(m[k]! / 1000).toFixed(2)} s`);
  // medians of each round's CPU and of its ratio to the node's
  const cpuMedian = (k: string, pick: (c: Cpu) => number | null) => {
    const xs = (cpuTimes[k] ?? []).map(pick).filter((x): x is number => x !== null);
    return xs.length ? median(xs) : null;
  };
  const cpuCell = (k: string) => {
    const own = cpuMedian(k, (c) => c.own);
    const perNode = cpuMedian(k, (c) => (c.own === null || !c.node ? null : c.own / c.node));
    return own === null
      ? "—"
      : `${own.toFixed(1)} s${perNode === null ? "" : ` (${perNode.toFixed(2)} per node s)`}`;
  };
  const speed = (of: string, vs: string) => (m[of] && m[vs] ? (m[vs]! / m[of]!).toFixed(2) : "—");
  console.log(
    `\nmedian of ${ROUNDS} interleaved rounds, ${head + 1} blocks, ${built.transactions} txs; ${placement}; load at the end ${load()}`,
  );
  console.log(`| measure | time | speed ratio | target | CPU of what is measured |`);
  console.log(`| --- | --- | --- | --- | --- |`);
  console.log(
    `| ceiling: bare batched fetch (${shape}) | ${s("ceiling")} | 1.00 | | ${cpuCell("ceiling")} |`,
  );
  console.log(
    `| chainlog export (CSV, 6 files) | ${s("export")} | ${speed("export", "ceiling")} × ceiling | ≥ 0.9 | ${cpuCell("export")} |`,
  );
  console.log(
    `| ethereum-etl 2.4.2 (6 files) | ${s("etl")} | export is ${speed("export", "etl")} × faster | ≥ 2.5 | ${cpuCell("etl")} |`,
  );
  console.log(
    `| cryo 0.3.2 (4 datasets) | ${s("cryo")} | export is ${speed("export", "cryo")} × faster | ≥ 1.0 | ${cpuCell("cryo")} |`,
  );
  console.log(
    `| chainlog start, raw rows stored (start-up included) | ${s("start raw")} | ${speed("start raw", "ceiling")} × ceiling | ≥ 0.6 | ${cpuCell("start raw")} |`,
  );
  console.log(
    `| chainlog start, traces complete | ${s("start traces")} | ${m["start traces"] && m["trace loop"] ? (m["start traces"]! / m["trace loop"]!).toFixed(2) : "—"} × trace loop | ≤ 1.3 | |`,
  );
  console.log(`| chainlog start, first block stored (start-up) | ${s("start first")} | | | |`);
  console.log(`| bare debug_traceBlockByNumber loop | ${s("trace loop")} | 1.00 | | |`);
  console.log(`| pipeline peak RSS (launcher + services) | ${peak.toFixed(0)} MiB | | | |`);
  const nodeCeiling = cpuMedian("ceiling", (c) => c.node);
  if (nodeCeiling !== null)
    console.log(
      `the node used ${nodeCeiling.toFixed(1)} s of CPU to serve the ceiling's fetch once (median); "per node s" is the measured CPU per second of the node's CPU meanwhile`,
    );
  if (notTraced > 0) console.log(`warning: ${notTraced} blocks were enriched without their traces`);
} finally {
  unplace();
  await anvil?.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
