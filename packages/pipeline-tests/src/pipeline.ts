import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@chainlog/devnet";
import { type ServiceName, type ServiceProcess, startService } from "@chainlog/launcher";
import { createLogger } from "@chainlog/telemetry";

export interface Pipeline {
  apiUrl: string;
  dataDir: string;
  env: Record<string, string>;
  services: Map<ServiceName, ServiceProcess>;
  /** SIGKILL, as a crash or an OOM kill would: no shutdown hook runs. */
  kill(name: ServiceName): Promise<void>;
  restart(name: ServiceName): void;
  stop(): Promise<void>;
}

/** The pipeline as separate processes on the embedded adapters, on free ports and a fresh data directory. */
export async function startPipeline(params: {
  rpcUrl: string;
  names?: ServiceName[];
  dataDir?: string;
  /** More environment for every service (INGEST_FROM, WATCHED_ADDRESSES…). */
  env?: Record<string, string>;
}): Promise<Pipeline> {
  const dataDir = params.dataDir ?? mkdtempSync(join(tmpdir(), "chainlog-e2e-"));
  const apiPort = await freePort();
  const env: Record<string, string> = {
    CHAINLOG_MODE: "embedded",
    CHAINLOG_DATA_DIR: dataDir,
    ETH_RPC_URL: params.rpcUrl,
    ETH_RPC_URLS: "",
    API_PORT: String(apiPort),
    INGEST_HTTP_PORT: String(await freePort()),
    PROCESSOR_HTTP_PORT: String(await freePort()),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
    ...params.env,
  };
  const logger = createLogger("e2e", "warn");
  const services = new Map<ServiceName, ServiceProcess>();
  const launch = (name: ServiceName) =>
    services.set(name, startService(name, env, logger, { maxRestarts: 0 }));
  for (const name of params.names ?? (["processor", "ingest", "query-api"] as ServiceName[])) launch(name);
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    dataDir,
    env,
    services,
    async kill(name) {
      const svc = services.get(name);
      if (!svc) return;
      const child = svc.child;
      const gone = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once("exit", () => r())));
      child.kill("SIGKILL");
      await gone;
    },
    restart(name) {
      launch(name);
    },
    async stop() {
      await Promise.all([...services.values()].map((s) => s.stop()));
      if (!params.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

export { waitFor } from "@chainlog/devnet";
