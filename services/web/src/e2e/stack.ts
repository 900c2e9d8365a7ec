import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@chainlog/devnet";
import { type ServiceName, type ServiceProcess, startService } from "@chainlog/launcher";
import { createLogger } from "@chainlog/telemetry";
import { vi } from "vitest";

export const PIPELINE: ServiceName[] = ["processor", "ingest", "query-api"];

export interface Stack {
  apiUrl: string;
  webUrl: string;
  dataDir: string;
  /** The first service that exited on its own (a crash at start, usually), or null while all run. */
  failed(): ServiceName | null;
  /**
   * Polls `check` (vi.waitFor) until it answers a truthy value; fails at once when a service of the stack exits
   * meanwhile, instead of waiting out the timeout for something that cannot happen any more.
   */
  waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T>;
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
  let exited: (name: ServiceName) => void = () => undefined;
  const anExit = new Promise<never>((_, reject) => {
    exited = (name) => reject(new Error(`${name} exited (its log is above)`));
  });
  anExit.catch(() => undefined);
  for (const name of [...PIPELINE, "web"] as ServiceName[]) {
    // pipeLogs: the services' lines pass through this process's stdout, where a test can read them.
    const service = startService(name, env, logger, {
      maxRestarts: 0,
      ...(options.pipeLogs ? { keepProblemLines: 1 } : {}),
    });
    service.done.then(() => {
      if (stopping) return;
      failed ??= name;
      exited(name);
    });
    services.push(service);
  }
  return {
    apiUrl: env.QUERY_API_URL!,
    webUrl: `http://127.0.0.1:${webPort}`,
    dataDir,
    failed: () => failed,
    async waitFor(what, check, timeoutMs) {
      const passed = vi.waitFor(
        async () => {
          const value = await check();
          if (!value) throw new Error(`not yet: ${what}`);
          return value;
        },
        { timeout: timeoutMs, interval: 200 },
      );
      return Promise.race([passed, anExit]).catch((error: Error) => {
        throw new Error(`waiting for ${what}: ${error.message}`, { cause: error });
      });
    },
    async stop() {
      stopping = true;
      await Promise.all(services.map((s) => s.stop()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
