import { expect } from "vitest";
import type { Page, PageQuery } from "../store.ts";

/** Follows nextCursor to the end; fails instead of looping when an adapter never ends a listing. */
export async function allPages<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page: Page<T> = await fetch(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

/** For each [party, page size]: the party's listing, read page by page to the end, is `expected(party)`. */
export async function expectPagesPerParty<T>(
  read: (party: string, page: PageQuery) => Promise<Page<T>>,
  expected: (party: string) => T[],
  cases: readonly (readonly [party: string, limit: number])[],
): Promise<void> {
  for (const [party, limit] of cases)
    expect(await allPages((cursor) => read(party, { limit, cursor })), `${party} by ${limit}`).toEqual(
      expected(party),
    );
}
