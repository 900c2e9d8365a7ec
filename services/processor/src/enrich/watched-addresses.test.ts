import { describe, expect, it } from "vitest";
import { createWatchedAddresses } from "./watched-addresses.ts";

const a = (c: string) => `0x${c.repeat(40)}`;

describe("createWatchedAddresses", () => {
  it("watches the configured addresses and the watchlists', case-insensitively, keeping the last good list", async () => {
    let answer: () => Promise<string[]> = async () => [a("b")];
    const errors: unknown[] = [];
    const watched = createWatchedAddresses({
      fixed: [a("A")],
      metaStore: { listWatchedAddresses: () => answer() },
      refreshMs: 60_000,
      onError: (e) => errors.push(e),
    });
    await watched.start();
    expect([a("a"), a("b"), a("c")].map(watched.has)).toEqual([true, true, false]);
    answer = async () => {
      throw new Error("metadata store down");
    };
    await watched.refresh();
    expect(errors).toHaveLength(1);
    expect(watched.has(a("B"))).toBe(true);
    answer = async () => [a("c")];
    await watched.refresh();
    expect([a("a"), a("b"), a("c")].map(watched.has)).toEqual([true, false, true]);
    watched.stop();
  });

  it("does not hold start-up hostage to a metadata store that never answers", async () => {
    const watched = createWatchedAddresses({
      fixed: [],
      metaStore: { listWatchedAddresses: () => new Promise<string[]>(() => {}) },
    });
    const started = Date.now();
    await watched.start(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(watched.has(a("a"))).toBe(false);
    watched.stop();
  });
});
