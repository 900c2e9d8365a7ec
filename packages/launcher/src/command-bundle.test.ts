import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadCommandBundle } from "./command-bundle.ts";
import { repoRoot } from "./repo-root.ts";

// One file for every test that builds, reads or breaks the launcher's bundles: its tests run one after another,
// so none of them reads a bundle folder while another replaces it.
const empty = mkdtempSync(join(tmpdir(), "chainlog-launcher-command-"));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe("a command's bundle", () => {
  it("loads the command from its bundle beside the launcher's sources", async () => {
    const warn = vi.fn();
    const command = await loadCommandBundle("src/export-command.ts", undefined, warn);
    expect(warn).not.toHaveBeenCalled();
    expect(existsSync(join(repoRoot, "packages/launcher/.bundle-export-command/main.js"))).toBe(true);
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await command.runCommand(["--help"])).toBe(0);
    expect(log.mock.calls[0]?.[0]).toMatch(/^usage: chainlog export/);
    log.mockRestore();
  }, 60_000);

  it("runs the command from its sources, saying why, when it cannot be bundled", async () => {
    const warn = vi.fn();
    // a directory without src/export-command.ts: the bundler refuses it
    const command = await loadCommandBundle("src/export-command.ts", empty, warn);
    expect(typeof command.runCommand).toBe("function");
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^could not bundle src\/export-command.ts \(.*no entry to bundle\); running it/),
    );
  });
});

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

/** Makes the start bundle's stamp say one of its sources changed since it was built. */
function staleStamp() {
  const stamp = join(repoRoot, "packages/launcher/.bundle-start/inputs.json");
  const recorded = JSON.parse(readFileSync(stamp, "utf8")) as { inputs: Record<string, { size: number }> };
  const first = Object.values(recorded.inputs)[0]!;
  first.size += 1;
  writeFileSync(stamp, JSON.stringify(recorded));
}

describe("the chainlog command", () => {
  // each refused at once (a bad range, a configuration start refuses): it ends before doing anything
  it.each([
    {
      entry: "src/export-command.ts",
      args: ["export", "--from", "5", "--to", "1", "--rpc-url", "http://127.0.0.1:1"],
      env: {} as Record<string, string>,
      says: "invalid range --from 5 --to 1",
      status: 2,
    },
    { entry: "src/start.ts", args: ["start"], env: { LOG_LEVEL: "loud" }, says: "LOG_LEVEL", status: 1 },
  ])(
    "runs $args.0 from its current bundle without loading tsx",
    async ({ entry, args, env, says, status }) => {
      await loadCommandBundle(entry); // built and current
      const r = chainlog(args, env);
      expect(r.stderr).toContain(says);
      expect(r.stderr).toContain("source maps: false");
      expect(r.status).toBe(status);
    },
    60_000,
  );

  it("runs start through tsx, rebuilding its bundle, once its sources changed", async () => {
    await loadCommandBundle("src/start.ts");
    staleStamp();
    const r = chainlog(["start"], { LOG_LEVEL: "loud" });
    expect(r.stderr).toContain("LOG_LEVEL");
    expect(r.stderr).toContain("source maps: true");
    expect(r.status).toBe(1);
    // rebuilt: the next start runs from the bundle again
    const again = chainlog(["start"], { LOG_LEVEL: "loud" });
    expect(again.stderr).toContain("source maps: false");
  }, 60_000);

  it("runs start from its sources, saying why, when its bundle does not load", async () => {
    const { entry } = await import("@chainlog/images/bundle-cache").then((m) =>
      m.ensureServiceBundle(join(repoRoot, "packages/launcher"), repoRoot, { entry: "src/start.ts" }),
    );
    writeFileSync(entry, "this is not JavaScript");
    try {
      const r = chainlog(["start"], { LOG_LEVEL: "loud" });
      expect(r.stderr).toMatch(/could not bundle src\/start.ts \(.*\); running it from its sources/);
      expect(r.stderr).toContain("LOG_LEVEL");
      expect(r.status).toBe(1);
    } finally {
      rmSync(dirname(entry), { recursive: true, force: true }); // built again by the next start
    }
  }, 60_000);

  it("runs every other command from its sources", () => {
    const r = chainlog(["config", "--help"]);
    expect(r.stdout).toMatch(/^usage: chainlog config/);
    expect(r.stderr).toContain("source maps: true");
    expect(r.status).toBe(0);
  }, 60_000);
});
