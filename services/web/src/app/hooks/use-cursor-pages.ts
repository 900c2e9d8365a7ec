import { useCallback, useState } from "react";

/** The trail of cursors behind the current page, so "newer" can step back along an opaque forward-only chain. */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; trail: (string | null)[] }>({
    key: resetKey,
    trail: [null],
  });
  const trail = state.key === resetKey ? state.trail : [null];
  const cursor = trail[trail.length - 1] ?? null;
  const next = useCallback(
    (c: string) => setState({ key: resetKey, trail: [...trail, c] }),
    [resetKey, trail],
  );
  const previous = useCallback(
    () => setState({ key: resetKey, trail: trail.length > 1 ? trail.slice(0, -1) : trail }),
    [resetKey, trail],
  );
  return { cursor, pageNumber: trail.length, hasPrevious: trail.length > 1, next, previous };
}
