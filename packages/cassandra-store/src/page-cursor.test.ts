import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createPageCursors, InvalidCursorError } from "@chainlog/ports";
import { describe, expect, it } from "vitest";
import { bucketOf } from "./bucket.ts";
import { runLimited } from "./run-limited.ts";

describe("page cursors", () => {
  const cursors = createPageCursors(randomBytes(32));

  it("round-trips a position for the query that made it", () => {
    const c = cursors.encode("txs_by_address:0xabc", [123_456_789, 4]);
    expect(cursors.decode("txs_by_address:0xabc", c, 2)).toEqual([123_456_789, 4]);
  });

  it("refuses another query, another length, another secret and edits", () => {
    const c = cursors.encode("q1", [1, 2]);
    expect(() => cursors.decode("q2", c, 2)).toThrow(InvalidCursorError);
    expect(() => cursors.decode("q1", c, 3)).toThrow(InvalidCursorError);
    expect(() => createPageCursors(randomBytes(32)).decode("q1", c, 2)).toThrow(InvalidCursorError);
    const forged = Buffer.from(JSON.stringify({ q: "q1", p: [9, 9] })).toString("base64url");
    expect(() => cursors.decode("q1", `${forged}.${c.split(".")[1]}`, 2)).toThrow(InvalidCursorError);
    for (const bad of ["", ".", "a.b.c", "x", `${c}.`])
      expect(() => cursors.decode("q1", bad, 2)).toThrow(InvalidCursorError);
  });
});

describe("buckets", () => {
  it("puts block numbers in fixed-size buckets", () => {
    expect(bucketOf(0, 100_000)).toBe(0);
    expect(bucketOf(99_999, 100_000)).toBe(0);
    expect(bucketOf(100_000, 100_000)).toBe(1);
    expect(bucketOf(21_000_000, 100_000)).toBe(210);
    expect(bucketOf(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("runLimited", () => {
  it("never runs more than the limit at once, and runs everything", async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await runLimited(
      Array.from({ length: 50 }, (_, i) => async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(1);
        running--;
        done.push(i);
      }),
      7,
    );
    expect(peak).toBe(7);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("rejects with the first failure and starts nothing new after it", async () => {
    let started = 0;
    const tasks = Array.from({ length: 20 }, (_, i) => async () => {
      started++;
      if (i === 2) throw new Error("boom");
      await sleep(5);
    });
    await expect(runLimited(tasks, 2)).rejects.toThrow("boom");
    expect(started).toBeLessThan(20);
  });
});
