import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ephemeralPortRange, freePort } from "./ports.ts";

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });

describe("freePort", () => {
  afterEach(() => vi.restoreAllMocks());

  it("picks a bindable port below the ephemeral range, where outgoing connections never take it", async () => {
    const [low] = ephemeralPortRange();
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(15_000);
    expect(port).toBeLessThan(low);
    (await listen(port)).close();
  });

  it("never hands out the same port twice, nor one that something listens on", async () => {
    const held = await freePort();
    const server = await listen(held);
    try {
      const [low] = ephemeralPortRange();
      const fraction = (held - 15_000 + 0.5) / (low - 15_000);
      // the random draw lands on the held port first, then anywhere
      const draws = [fraction, fraction, Math.random(), Math.random(), Math.random()];
      vi.spyOn(Math, "random").mockImplementation(() => draws.shift() ?? 0.5);
      const first = await freePort();
      const second = await freePort();
      expect(first).not.toBe(held);
      expect(second).not.toBe(held);
      expect(second).not.toBe(first);
    } finally {
      server.close();
    }
  });
});

describe("ephemeralPortRange", () => {
  it("reads the kernel's range, and falls back to the IANA range without one", () => {
    const dir = mkdtempSync(join(tmpdir(), "ports-"));
    writeFileSync(join(dir, "range"), "32768\t60999\n");
    expect(ephemeralPortRange(join(dir, "range"))).toEqual([32768, 60999]);
    writeFileSync(join(dir, "bad"), "nonsense\n");
    expect(ephemeralPortRange(join(dir, "bad"))).toEqual([49152, 65535]);
    expect(ephemeralPortRange(join(dir, "absent"))).toEqual([49152, 65535]);
  });
});
