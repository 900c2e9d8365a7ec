import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@chainlog/devnet";
import { type ServiceName, type ServiceProcess, startService } from "@chainlog/launcher";
import { createLogger } from "@chainlog/telemetry";

export const PIPELINE: ServiceName[] = ["processor", "ingest", "query-api"];

export interface Stack {
  apiUrl: string;
  webUrl: string;
  dataDir: string;
  /** The first service that exited on its own (a crash at start, usually), or null while all run. */
  failed(): ServiceName | null;
  stop(): Promise<void>;
}

/**
 * The whole embedded system as separate processes, the way `pnpm start` runs it, on free ports and a fresh data
 * directory: node → ingest → bus → processor → store → query-api → web.
 */
export async function startStack(
  rpcUrl: string,
  extraEnv: Record<string, string> = {},
  options: { pipeLogs?: boolean } = {},
): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), "chainlog-web-e2e-"));
  const apiPort = await freePort();
  const webPort = await freePort();
  const env: Record<string, string> = {
    CHAINLOG_MODE: "embedded",
    CHAINLOG_DATA_DIR: dataDir,
    ETH_RPC_URL: rpcUrl,
    ETH_RPC_URLS: "",
    API_HOST: "127.0.0.1",
    API_PORT: String(apiPort),
    WEB_HOST: "127.0.0.1",
    WEB_PORT: String(webPort),
    QUERY_API_URL: `http://127.0.0.1:${apiPort}`,
    INGEST_HTTP_PORT: String(await freePort()),
    PROCESSOR_HTTP_PORT: String(await freePort()),
    WEB_METRICS_PORT: String(await freePort()),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
    ...extraEnv,
  };
  const logger = createLogger("web-e2e", "warn");
  const services: ServiceProcess[] = [];
  let stopping = false;
  let failed: ServiceName | null = null;
  for (const name of [...PIPELINE, "web"] as ServiceName[]) {
    // pipeLogs: the services' lines pass through this process's stdout, where a test can read them.
    const service = startService(name, env, logger, {
      maxRestarts: 0,
      ...(options.pipeLogs ? { keepProblemLines: 1 } : {}),
    });
    service.done.then(() => {
      if (!stopping) failed ??= name;
    });
    services.push(service);
  }
  return {
    apiUrl: env.QUERY_API_URL!,
    webUrl: `http://127.0.0.1:${webPort}`,
    dataDir,
    failed: () => failed,
    async stop() {
      stopping = true;
      await Promise.all(services.map((s) => s.stop()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  options: { intervalMs?: number; stack?: Stack } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const dead = options.stack?.failed();
    if (dead) throw new Error(`${dead} exited while waiting for ${what} (its log is above)`);
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ""}`);
}
