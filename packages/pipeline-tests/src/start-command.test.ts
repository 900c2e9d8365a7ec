import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, rpc } from "@chainlog/devnet";
import { repoRoot } from "@chainlog/launcher";
import { afterAll, describe, expect, it } from "vitest";
import { getJson, waitFor } from "./pipeline.ts";

let launcher: ChildProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), "chainlog-start-"));

/** Signals the whole process group, as a terminal's Ctrl-C or an orchestrator does. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  if (launcher) signalGroup(launcher, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("pnpm start with no configuration", () => {
  it("starts a devnet and answers GET /v1/blocks/latest with a block the devnet has, within 60 s; SIGTERM stops it all", async () => {
    const ports = { api: await freePort(), web: await freePort(), devnet: await freePort() };
    const t0 = Date.now();
    launcher = spawn("pnpm", ["start"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ETH_RPC_URL: "",
        ETH_RPC_URLS: "",
        CHAINLOG_DATA_DIR: dataDir,
        API_PORT: String(ports.api),
        WEB_PORT: String(ports.web),
        DEVNET_PORT: String(ports.devnet),
        INGEST_HTTP_PORT: String(await freePort()),
        PROCESSOR_HTTP_PORT: String(await freePort()),
        WEB_METRICS_PORT: String(await freePort()),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    });
    const exited = new Promise<void>((r) => launcher!.once("exit", () => r()));
    const latest = await waitFor(
      "GET /v1/blocks/latest",
      async () => {
        const { status, body } = await getJson<{ number: number; hash: string }>(
          `http://127.0.0.1:${ports.api}/v1/blocks/latest`,
        );
        return status === 200 && body.number > 0 ? body : null;
      },
      60_000,
    );
    const elapsed = Date.now() - t0;
    console.log(`pnpm start → first GET /v1/blocks/latest: ${elapsed} ms (block ${latest.number})`);
    const devnetUrl = `http://127.0.0.1:${ports.devnet}`;
    const onNode = await rpc<{ hash: string }>(devnetUrl, "eth_getBlockByNumber", [
      `0x${latest.number.toString(16)}`,
      false,
    ]);
    expect(latest.hash).toBe(onNode.hash);
    expect(elapsed).toBeLessThan(60_000);

    // The web UI is served too.
    const web = await waitFor(
      "the web UI",
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.web}/`);
        return res.ok ? res.text() : null;
      },
      30_000,
    );
    expect(web).toContain('<div id="root"');

    // The lake sink runs by default, into the devnet's own folder, and reports in /v1/status.
    await waitFor(
      "the lake sink's status report",
      async () => {
        const { body } = await getJson<{ lake?: { location: string; confirmations: number }[] }>(
          `http://127.0.0.1:${ports.api}/v1/status`,
        );
        return body.lake?.some(
          (l) => l.location === join(dataDir, "devnet", "lake") && l.confirmations === 12,
        );
      },
      30_000,
    );

    signalGroup(launcher, "SIGTERM");
    await exited;
    // Graceful shutdown: every process of the group (launcher, services, devnet) is gone well before the
    // launcher's 30 s deadline would force it.
    await waitFor("the whole process group to exit", async () => !groupAlive(launcher!), 25_000);
    await expect(rpc(devnetUrl, "eth_chainId")).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.api}/healthz`)).rejects.toThrow();
  });
});
