import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCommandBundle } from "./command-bundle.ts";
import { repoRoot } from "./repo-root.ts";

const bin = join(repoRoot, "packages/launcher/bin/chainlog.mjs");
// tsx turns source maps on when it registers: a child that never loaded it exits with them off
const reportSourceMaps =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nsource maps: "+process.sourceMapsEnabled))';

function chainlog(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", reportSourceMaps, bin, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, ETH_RPC_URL: "", ETH_RPC_URLS: "", ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Makes the export bundle's stamp say one of its sources changed since it was built. */
function staleStamp() {
  const stamp = join(repoRoot, "packages/launcher/.bundle-export-command/inputs.json");
  const recorded = JSON.parse(readFileSync(stamp, "utf8")) as { inputs: Record<string, { size: number }> };
  const first = Object.values(recorded.inputs)[0]!;
  first.size += 1;
  writeFileSync(stamp, JSON.stringify(recorded));
}

describe("the chainlog command", () => {
  it("runs an export from its current bundle without loading tsx", async () => {
    await loadCommandBundle("src/export-command.ts"); // built and current
    const r = chainlog(["export", "--from", "5", "--to", "1", "--rpc-url", "http://127.0.0.1:1"]);
    expect(r.stderr).toContain("invalid range --from 5 --to 1");
    expect(r.stderr).toContain("source maps: false");
    expect(r.status).toBe(2);
  }, 60_000);

  it("runs an export through tsx, rebuilding its bundle, once its sources changed", async () => {
    await loadCommandBundle("src/export-command.ts");
    staleStamp();
    const r = chainlog(["export", "--from", "5", "--to", "1", "--rpc-url", "http://127.0.0.1:1"]);
    expect(r.stderr).toContain("invalid range --from 5 --to 1");
    expect(r.stderr).toContain("source maps: true");
    expect(r.status).toBe(2);
    // rebuilt: the next export starts from the bundle again
    const again = chainlog(["export", "--from", "5", "--to", "1", "--rpc-url", "http://127.0.0.1:1"]);
    expect(again.stderr).toContain("source maps: false");
  }, 60_000);

  it("runs start from its current bundle without loading tsx", async () => {
    await loadCommandBundle("src/start.ts");
    // a configuration start refuses: it ends before starting anything
    const r = chainlog(["start"], { LOG_LEVEL: "loud" });
    expect(r.stderr).toContain("LOG_LEVEL");
    expect(r.stderr).toContain("source maps: false");
    expect(r.status).toBe(1);
  }, 60_000);

  it("runs every other command from its sources", () => {
    const r = chainlog(["config", "--help"]);
    expect(r.stdout).toMatch(/^usage: chainlog config/);
    expect(r.stderr).toContain("source maps: true");
    expect(r.status).toBe(0);
  }, 60_000);
});
