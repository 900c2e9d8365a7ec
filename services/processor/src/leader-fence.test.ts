import type { ConsumedMessage } from "@chainlog/ports";
import { Headers } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { createLeaderFence, LeaderTokenError, leaderTokenOf } from "./leader-fence.ts";

const at = (partition: number, offset: number, token?: string): ConsumedMessage => ({
  topic: "chainlog.blocks",
  partition,
  offset: String(offset),
  timestamp: 0,
  key: `1:${offset}`,
  value: Buffer.from("{}"),
  headers: token === undefined ? {} : { [Headers.leaderToken]: token },
});

describe("leader fence", () => {
  it("drops an older token only after a newer one in the same chain and partition", () => {
    const fence = createLeaderFence();
    expect(fence.check(at(0, 10, "1"), 1).stale).toBe(false);
    expect(fence.check(at(0, 11, "2"), 1).stale).toBe(false);
    expect(fence.check(at(0, 12, "1"), 1)).toEqual({ stale: true, token: 1, newest: 2 });
    // other partitions and chains have their own order: a deposed leader's backlog there is still applied
    expect(fence.check(at(1, 40, "1"), 1).stale).toBe(false);
    expect(fence.check(at(0, 13, "1"), 5).stale).toBe(false);
    // the same batch delivered again: what sat below the newer token's first offset is kept, the late write not
    expect(fence.check(at(0, 10, "1"), 1).stale).toBe(false);
    expect(fence.check(at(0, 11, "2"), 1).stale).toBe(false);
    expect(fence.check(at(0, 12, "1"), 1).stale).toBe(true);
    // no token (election off): never fenced
    expect(fence.check(at(0, 14), 1).stale).toBe(false);
  });

  it("refuses a malformed token header with a clear error", () => {
    expect(leaderTokenOf({})).toBeNull();
    expect(leaderTokenOf({ [Headers.leaderToken]: "7" })).toBe(7);
    for (const bad of ["", "-1", "0", "1.5", "x", "99999999999999999999"])
      expect(() => leaderTokenOf({ [Headers.leaderToken]: bad }), bad).toThrow(LeaderTokenError);
  });
});
