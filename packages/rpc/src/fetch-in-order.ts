import type { FetchedBlocks } from "./fetch-blocks.ts";

/**
 * What a fetch of [from, to] gives: FetchedBlocks, or whatever a caller makes of them as they arrive (the exporter
 * turns them into its output there, so a batch's records die young instead of waiting for their turn).
 */
export interface RangeFetcherOptions<T> {
  from: number;
  to: number;
  /** Blocks per fetch. */
  batchSize: number;
  /** How many fetches may be in flight now: the pool's adaptive capacity, read before every launch. */
  capacity: () => number;
  fetch: (from: number, to: number) => Promise<T>;
  /** Called after each round of launches with the number in flight (for metrics). */
  onLaunch?: (inFlight: number) => void;
}

export interface RangeFetcher<T> {
  /**
   * The batch that starts at `at`, and after it the batches that have already arrived, in order, while they come
   * to fewer than `maxBlocks` blocks (1: only the one). Keeps the pool busy with the batches after them.
   */
  take(at: number, maxBlocks?: number): Promise<T[]>;
  /** Forgets what is in flight (its answers are dropped). */
  close(): void;
}

/**
 * Fetches [from, to] in batches, as many in flight as the pool takes, and hands them out strictly in order: the
 * one in-order range fetcher of ingest's historical sync and the exporter. A batch that arrived ahead of its turn
 * does not count as in flight: one slow batch at the front would otherwise leave the node idle until it came (the
 * others all answered, none launched). What has arrived and waits is bounded too, at `capacity` batches.
 */
export function createRangeFetcher<T>(options: RangeFetcherOptions<T>): RangeFetcher<T> {
  const { to, batchSize, capacity, fetch, onLaunch } = options;
  const inflight = new Map<number, Promise<T>>();
  // a batch's size is its range's: a fetch answers every block of it or fails
  const size = (at: number) => Math.min(to, at + batchSize - 1) - at + 1;
  const arrived = new Map<number, T>();
  let pending = 0;
  let next = options.from;
  let closed = false;
  const launch = () => {
    while (!closed && next <= to && pending < capacity() && arrived.size < capacity()) {
      const s = next;
      const e = Math.min(to, s + batchSize - 1);
      next = e + 1;
      const p = fetch(s, e);
      pending += 1;
      // awaited in order by take; the catch only keeps Node from flagging it early
      p.then(
        (f) => {
          if (inflight.get(s) === p) arrived.set(s, f);
        },
        () => undefined,
      ).finally(() => {
        if (closed) return;
        pending -= 1;
        launch();
      });
      inflight.set(s, p);
    }
    onLaunch?.(pending);
  };
  const remove = (at: number) => {
    inflight.delete(at);
    arrived.delete(at);
  };
  return {
    async take(at, maxBlocks = 1) {
      launch();
      const p = inflight.get(at);
      if (!p) throw new RangeError(`no batch of [${options.from}, ${to}] starts at block ${at}`);
      remove(at);
      const batches: T[] = [await p];
      let blocks = size(at);
      for (let a = at + blocks; blocks < maxBlocks && arrived.has(a); ) {
        const f = arrived.get(a)!;
        remove(a);
        batches.push(f);
        blocks += size(a);
        a += size(a);
      }
      launch();
      return batches;
    },
    close() {
      closed = true;
      inflight.clear();
      arrived.clear();
    },
  };
}

/** The number of the block after the last of `batches`. */
export const blockAfter = (batches: readonly FetchedBlocks[]): number => {
  const last = batches[batches.length - 1]!.envelopes;
  return last[last.length - 1]!.block.number + 1;
};
