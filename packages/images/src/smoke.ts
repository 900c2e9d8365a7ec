import { randomBytes } from "node:crypto";
import { freePort, runWorkload, startAnvil, type WorkloadContracts, waitFor } from "@chainlog/devnet";
import { localImageName, readBuiltRelease } from "./build-images.ts";
import { podman } from "./container-tools.ts";
import { containerRuntime, listServices, type ServiceImageSpec } from "./service-spec.ts";

export class SmokeTestError extends Error {
  override name = "SmokeTestError";
}

export interface SmokeOptions {
  log?: (line: string) => void;
  /** Leave the containers and the volume behind for inspection. */
  keep?: boolean;
  /** Blocks that must flow end to end after every service is ready. */
  blocks?: number;
}

interface Running {
  spec: ServiceImageSpec;
  name: string;
  url: string;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T | undefined }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let body: T | undefined;
  try {
    body = JSON.parse(text) as T;
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

/**
 * `pnpm images smoke`: the whole stack from the built images, each container as a release runs it (read-only root
 * filesystem, the image's own user and defaults, embedded mode on one shared data volume), against an anvil devnet
 * with the workload generator. Passes when every /readyz answers, new blocks and their transactions reach the store
 * through ingest → bus → processor and are served by query-api and by web's proxy, and every container exits 0
 * within its grace period after SIGTERM.
 */
export async function smokeTest(options: SmokeOptions = {}): Promise<void> {
  const log = options.log ?? (() => undefined);
  const release = readBuiltRelease();
  const specs = listServices();
  const missing = specs.filter((s) => !release.services[s.service]?.[s.version]);
  if (missing.length > 0) {
    throw new SmokeTestError(
      `.images/release.json has no image for ${missing.map((s) => `${s.service} ${s.version}`).join(", ")}: run pnpm images build`,
    );
  }
  const run = randomBytes(3).toString("hex");
  const volume = `chainlog-smoke-${run}`;
  const anvil = await startAnvil({ blockTime: 1, pruneHistory: 1024, gasLimit: 60_000_000n });
  const abort = new AbortController();
  let contracts: { contracts: WorkloadContracts; accounts: string[] } | undefined;
  const workload = runWorkload({
    rpcUrl: anvil.rpcUrl,
    txPerSecond: 10,
    signal: abort.signal,
    onReady: (c, accounts) => {
      contracts = { contracts: c, accounts };
    },
  });
  const running: Running[] = [];
  const started = Date.now();
  try {
    await waitFor("the devnet workload's contracts", async () => contracts, 60_000);
    // Host networking, so containers reach the devnet on loopback; every service on a free loopback port.
    const ports = new Map<string, number>();
    for (const spec of specs) ports.set(spec.service, await freePort());
    const shared: Record<string, string> = {
      ETH_RPC_URL: anvil.rpcUrl,
      WETH_ADDRESS: contracts?.contracts.weth ?? "",
      STABLECOIN_ADDRESSES: contracts?.contracts.stablecoin ?? "",
      WATCHED_ADDRESSES: (contracts?.accounts ?? []).slice(0, 5).join(","),
      QUERY_API_URL: `http://127.0.0.1:${ports.get("query-api")}`,
      LOG_LEVEL: "warn",
      // web's /metrics has its own port; on host networking its default would meet a local `chainlog start`.
      WEB_METRICS_PORT: String(await freePort()),
    };
    for (const spec of specs) {
      shared[spec.portEnv] = String(ports.get(spec.service));
      shared[spec.hostEnv] = "127.0.0.1";
    }
    await podman(["volume", "create", volume]);
    for (const spec of specs) {
      const name = `chainlog-smoke-${run}-${spec.service}`;
      await podman([
        "run",
        "--detach",
        "--name",
        name,
        "--read-only",
        "--network=host",
        "--volume",
        `${volume}:${containerRuntime.dataDir}`,
        ...Object.entries(shared).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
        `${localImageName(spec.service)}:${spec.version}`,
      ]);
      running.push({ spec, name, url: `http://127.0.0.1:${ports.get(spec.service)}` });
    }
    log(`started ${running.map((r) => `${r.spec.service} (${r.url})`).join(", ")}`);

    for (const r of running) {
      await waitFor(
        `${r.spec.service} /readyz`,
        async () => {
          const state = (await podman(["inspect", "--format", "{{.State.Status}}", r.name])).stdout.trim();
          if (state !== "running") throw new SmokeTestError(`${r.spec.service} is ${state}`);
          return (await fetch(`${r.url}${containerRuntime.readinessPath}`)).status === 200;
        },
        90_000,
      );
    }
    log(`every /readyz answers after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const api = running.find((r) => r.spec.service === "query-api");
    const web = running.find((r) => r.spec.service === "web");
    if (!api || !web) throw new SmokeTestError("the smoke test needs the query-api and web services");
    type Block = { number: number | string; transactionCount?: number };
    const latest = async (base: string) => {
      const { status, body } = await getJson<Block>(`${base}/v1/blocks/latest`);
      return status === 200 && body ? Number(body.number) : -1;
    };
    await waitFor("a first block in the API", async () => (await latest(api.url)) >= 0, 60_000);
    const from = await latest(api.url);
    const want = from + (options.blocks ?? 3);
    await waitFor(
      `block ${want} through ingest → processor → store → query-api`,
      async () => (await latest(api.url)) >= want,
      60_000,
    );
    // Transactions, not just headers: the workload sends every second, so recent blocks carry some.
    const withTxs = await waitFor(
      "a block with transactions",
      async () => {
        for (let n = await latest(api.url); n > from; n--) {
          const { body } = await getJson<{ items: unknown[] }>(`${api.url}/v1/blocks/${n}/txs`);
          if ((body?.items.length ?? 0) > 0) return n;
        }
        return undefined;
      },
      30_000,
    );
    // The UI's server: its page, and the same data through its /v1 proxy.
    const page = await fetch(`${web.url}/`);
    const html = await page.text();
    if (page.status !== 200 || !html.includes("<div id="))
      throw new SmokeTestError(`web / answered ${page.status}`);
    const viaWeb = await latest(web.url);
    if (viaWeb < want) throw new SmokeTestError(`web's /v1 proxy serves block ${viaWeb}, the API ${want}`);
    log(`blocks ${from}…${viaWeb} flowed end to end (block ${withTxs} with transactions)`);

    // Producers stop first, then readers; each must finish its work and exit 0 within the grace period.
    const order = ["ingest", "processor", "query-api", "web"];
    const stopOrder = [...running].sort(
      (a, b) => (order.indexOf(a.spec.service) + 1 || 99) - (order.indexOf(b.spec.service) + 1 || 99),
    );
    for (const r of stopOrder) {
      const t = Date.now();
      await podman(["stop", "--time", String(containerRuntime.stopGraceSeconds), r.name]);
      const seconds = (Date.now() - t) / 1000;
      const code = (await podman(["inspect", "--format", "{{.State.ExitCode}}", r.name])).stdout.trim();
      if (code !== "0") throw new SmokeTestError(`${r.spec.service} exited ${code} on SIGTERM`);
      if (seconds >= containerRuntime.stopGraceSeconds) {
        throw new SmokeTestError(
          `${r.spec.service} needed ${seconds.toFixed(1)} s to stop (grace ${containerRuntime.stopGraceSeconds} s)`,
        );
      }
      log(`${r.spec.service} stopped with exit 0 in ${seconds.toFixed(1)} s`);
    }
    log(`smoke test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    for (const r of running) {
      const logs = await podman(["logs", "--tail", "20", r.name]).catch(() => ({ stdout: "", stderr: "" }));
      log(`--- ${r.spec.service} logs:\n${(logs.stdout + logs.stderr).trim()}`);
    }
    throw error;
  } finally {
    abort.abort();
    await workload.catch(() => undefined);
    await anvil.stop();
    if (!options.keep) {
      for (const r of running) await podman(["rm", "--force", "--time", "0", r.name]).catch(() => undefined);
      await podman(["volume", "rm", "--force", volume]).catch(() => undefined);
    }
  }
}
