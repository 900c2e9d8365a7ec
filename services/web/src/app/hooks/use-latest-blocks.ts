import { useCallback, useEffect, useRef, useState } from "react";
import { api, type Block } from "../api/routes.ts";

/**
 * The newest `count` blocks, refreshed every `pollMs` while the tab is visible. Only new heights are fetched;
 * heights the head moved back over (a reorg) are fetched again.
 */
export function useLatestBlocks(count: number, pollMs: number) {
  const [blocks, setBlocks] = useState<Block[]>([]);
  const [error, setError] = useState<Error>();
  const cache = useRef(new Map<number, Block>());
  const refreshNow = useRef<() => void>(() => undefined);

  useEffect(() => {
    let stopped = false;
    let controller = new AbortController();
    let inFlight: Promise<void> | null = null;
    // One refresh at a time: a burst of live events or a slow API must not pile up requests.
    const refresh = () => {
      inFlight ??= load().finally(() => {
        inFlight = null;
      });
      return inFlight;
    };
    const load = async () => {
      controller = new AbortController();
      const signal = controller.signal;
      try {
        const latest = await api.latestBlock(signal);
        const known = cache.current.get(latest.number);
        if (known && known.hash !== latest.hash) cache.current.clear();
        cache.current.set(latest.number, latest);
        const wanted: number[] = [];
        for (let n = latest.number; n > latest.number - count && n >= 0; n--) wanted.push(n);
        // A parent hash that disagrees with the cached block below means that block was replaced.
        for (const n of wanted) {
          const child = cache.current.get(n + 1);
          const block = cache.current.get(n);
          if (block && child && child.parentHash !== block.hash) cache.current.delete(n);
        }
        const missing = wanted.filter((n) => !cache.current.has(n));
        const fetched = await Promise.all(missing.map((n) => api.block(n, signal).catch(() => null)));
        for (const block of fetched) if (block) cache.current.set(block.number, block);
        for (const n of cache.current.keys())
          if (n > latest.number || n <= latest.number - count) cache.current.delete(n);
        if (!stopped) {
          setBlocks(wanted.flatMap((n) => cache.current.get(n) ?? []));
          setError(undefined);
        }
      } catch (e) {
        if (!stopped && (e as Error).name !== "AbortError") setError(e as Error);
      }
    };
    refreshNow.current = () => void refresh();
    void refresh();
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, pollMs);
    return () => {
      stopped = true;
      controller.abort();
      window.clearInterval(timer);
    };
  }, [count, pollMs]);

  /** Fetch at once instead of at the next tick, e.g. when the live stream reports a newer block. */
  const refresh = useCallback(() => refreshNow.current(), []);
  return { blocks, error, refresh };
}
