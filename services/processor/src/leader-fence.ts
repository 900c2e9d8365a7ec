import type { ConsumedMessage } from "@chainlog/ports";
import { Headers } from "@chainlog/tx-schema";

export class LeaderTokenError extends Error {
  override name = "LeaderTokenError";
}

/** What the fence says of one message: apply it, or drop it as a deposed leader's late write. */
export type FenceVerdict = { stale: false } | { stale: true; token: number; newest: number };

/** The message's ingest leader token; null for a message published without election (no header). */
export function leaderTokenOf(headers: Record<string, string | undefined>): number | null {
  const raw = headers[Headers.leaderToken];
  if (raw === undefined) return null;
  const token = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(token) || token < 1)
    throw new LeaderTokenError(`invalid ${Headers.leaderToken} header ${JSON.stringify(raw.slice(0, 40))}`);
  return token;
}

/**
 * Fencing on the consumer side. Ingest stamps its lease token on every message; a leader whose term ended while
 * a publish was in flight can still land messages after its successor's. Such a message is dropped when, in the
 * same partition, a message with a newer token of the same chain sits at a lower offset: offsets are the only
 * order the bus keeps, and a height always maps to the same partition (key chainId:number), so the successor's
 * copy of that height is already there. Comparing across partitions would drop the deposed leader's legitimate
 * backlog on a normal handover; comparing by offset keeps a redelivered batch's earlier messages.
 *
 * Held in memory: after a restart or a rebalance the fence learns again from what it reads.
 */
export function createLeaderFence() {
  /** chainId/partition → newest token seen and the offset of its first message. */
  const newest = new Map<string, { token: number; from: bigint }>();
  return {
    check(message: ConsumedMessage, chainId: number): FenceVerdict {
      const token = leaderTokenOf(message.headers);
      if (token === null) return { stale: false };
      const key = `${chainId}/${message.partition}`;
      const offset = BigInt(message.offset);
      const seen = newest.get(key);
      if (!seen || token > seen.token) {
        newest.set(key, { token, from: offset });
        return { stale: false };
      }
      if (token < seen.token && offset > seen.from) return { stale: true, token, newest: seen.token };
      // An older token below the newer one's first offset was written before it (a redelivered batch).
      if (token === seen.token && offset < seen.from) seen.from = offset;
      return { stale: false };
    },
  };
}

export type LeaderFence = ReturnType<typeof createLeaderFence>;
