import { useCallback, useEffect, useRef, useState } from "react";

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Loads data for the inputs summed up in `key`, aborting the previous request when they change, and optionally
 * refreshing every `pollMs` while the tab is visible. A failed refresh keeps the last good data on screen, and
 * data of a previous key is never shown for the current one.
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
  options: { pollMs?: number } = {},
): Resource<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: Error }>({ key: "" });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((t) => t + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new tick is how reload() asks for a refetch
  useEffect(() => {
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, data });
      },
      (error: Error) => {
        if (controller.signal.aborted || error.name === "AbortError") return;
        setState((previous) => ({ key, data: previous.key === key ? previous.data : undefined, error }));
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  useEffect(() => {
    if (!options.pollMs) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, options.pollMs);
    return () => window.clearInterval(timer);
  }, [options.pollMs, reload]);

  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: !current || (state.data === undefined && state.error === undefined),
    reload,
  };
}

/** A load that runs only when the page's route parameter has the right shape, else fails at once with `problem`. */
export function unlessInvalid<A extends unknown[], T>(
  problem: string | null,
  load: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  return problem === null ? load : () => Promise.reject(new Error(problem));
}
