import type { MetaStore } from "@chainlog/ports";

export interface WatchedAddressesOptions {
  /** WATCHED_ADDRESSES: always watched. */
  fixed: readonly string[];
  /** Users' watchlists; re-read every `refreshMs`. */
  metaStore?: Pick<MetaStore, "listWatchedAddresses"> | null;
  refreshMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The set of addresses whose balances the processor keeps: the configured ones and every address on a user's
 * watchlist. A failed refresh keeps the last good list (a metadata-store blip must not drop balances).
 */
export function createWatchedAddresses(options: WatchedAddressesOptions) {
  const fixed = new Set(options.fixed.map((a) => a.toLowerCase()));
  let fromLists = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let refreshing = false;
  const refresh = async () => {
    // One refresh at a time: a slow metadata store must not pile up connection attempts.
    if (!options.metaStore || refreshing) return;
    refreshing = true;
    try {
      fromLists = new Set((await options.metaStore.listWatchedAddresses()).map((a) => a.toLowerCase()));
    } catch (error) {
      options.onError?.(error);
    } finally {
      refreshing = false;
    }
  };
  return {
    has: (address: string) => {
      const a = address.toLowerCase();
      return fixed.has(a) || fromLists.has(a);
    },
    size: () => new Set([...fixed, ...fromLists]).size,
    refresh,
    /** Loads the watchlists (waiting at most `waitMs` for the first answer), then refreshes in the background. */
    async start(waitMs = 5_000) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([refresh(), new Promise((r) => (timeout = setTimeout(r, waitMs)))]);
      clearTimeout(timeout);
      if (options.metaStore && !timer) {
        timer = setInterval(() => void refresh(), options.refreshMs ?? 5_000);
        timer.unref();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export type WatchedAddresses = ReturnType<typeof createWatchedAddresses>;
