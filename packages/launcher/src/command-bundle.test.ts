import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadCommandBundle } from "./command-bundle.ts";
import { repoRoot } from "./repo-root.ts";

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
