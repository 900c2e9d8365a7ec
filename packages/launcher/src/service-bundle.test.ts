import { mkdtempSync, rmSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@chainlog/devnet";
import { createLogger } from "@chainlog/telemetry";
import { afterAll, describe, expect, it } from "vitest";
import { serviceBundle } from "./service-bundle.ts";
import { serviceDir, startService } from "./service-process.ts";

const dataDir = mkdtempSync(join(tmpdir(), "chainlog-launcher-bundle-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A real logger writing into an array, one parsed line each. */
function capturedLogger() {
  const lines: { level: string; msg: string; service?: string }[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger("launcher", "info", out), lines };
}

describe("services from their bundles", () => {
  it("starts query-api from its bundle, which answers /healthz, and stops it without a restart", async () => {
    const { logger, lines } = capturedLogger();
    const bundle = await serviceBundle("query-api", logger);
    expect(bundle).toBe(join(serviceDir("query-api"), ".bundle/main.js"));
    const port = await freePort();
    const svc = startService(
      "query-api",
      // a node nobody answers at: the API still comes up and serves what is stored (nothing)
      {
        CHAINLOG_DATA_DIR: dataDir,
        API_PORT: String(port),
        ETH_RPC_URL: "http://127.0.0.1:9",
        ETH_RPC_URLS: "",
      },
      logger,
      { bundle, keepProblemLines: 20, niceness: 7 },
    );
    try {
      // a lower scheduling priority, as the launcher gives the lake
      expect(getPriority(svc.child.pid)).toBe(7);
      expect(svc.child.spawnargs).toContain(bundle);
      expect(svc.child.spawnargs).not.toContain("tsx");
      let health: Response | undefined;
      for (let i = 0; i < 240 && !health?.ok; i++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (!health?.ok) await sleep(250);
      }
      expect(health?.status, svc.problemLines.join("\n")).toBe(200);
      expect(await health?.json()).toEqual({ status: "ok" });
    } finally {
      await svc.stop();
    }
    expect(svc.exits).toEqual([]);
    expect(lines.map((l) => l.msg)).toContain("service stopped");
    expect(lines.map((l) => l.msg)).not.toContain("service exited; restarting");
  }, 90_000);

  it("falls back to tsx with a warning when the service cannot be bundled", async () => {
    const { logger, lines } = capturedLogger();
    // a directory without src/main.ts: the bundler refuses it
    expect(await serviceBundle("ingest", logger, dataDir)).toBeUndefined();
    const warning = lines.find((l) => l.level === "warn");
    expect(warning?.msg).toBe(
      "could not bundle the service; running it from its TypeScript sources through tsx",
    );
    expect(warning?.service).toBe("ingest");
  });
});
