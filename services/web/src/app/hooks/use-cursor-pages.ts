import { useCallback, useState } from "react";
import { type Resource, useResource } from "./use-resource.ts";

export interface CursorPages {
  cursor: string | null;
  pageNumber: number;
  hasPrevious: boolean;
  next(cursor: string): void;
  previous(): void;
}

export interface PagedResource<T> extends Resource<T> {
  pages: CursorPages;
}

/** The trail of cursors behind the current page, so "newer" can step back along an opaque forward-only chain. */
export function useCursorPages(resetKey: string): CursorPages {
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

/** A cursor-paged list for the inputs summed up in `key`: back to its first page whenever `key` changes. */
export function usePagedResource<T>(
  load: (cursor: string | null, signal: AbortSignal) => Promise<T>,
  key: string,
): PagedResource<T> {
  const pages = useCursorPages(key);
  const resource = useResource((signal) => load(pages.cursor, signal), `${key}:${pages.cursor}`);
  return { ...resource, pages };
}
