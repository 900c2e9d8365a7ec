import { createHmac, timingSafeEqual } from "node:crypto";
import { InvalidCursorError } from "./store.ts";

/**
 * Opaque keyset cursors: the position of the last row served, bound to the query that made it and signed with
 * the store's secret (shared by every process on it), so a tampered or foreign cursor is refused. Shared by
 * every Store adapter so they page alike.
 */
export function createPageCursors(secret: Buffer) {
  const mac = (payload: string) =>
    createHmac("sha256", secret).update(payload).digest().subarray(0, 16).toString("base64url");
  return {
    encode(query: string, position: number[]): string {
      const payload = Buffer.from(JSON.stringify({ q: query, p: position })).toString("base64url");
      return `${payload}.${mac(payload)}`;
    },
    decode(query: string, cursor: string, length: number): number[] {
      if (typeof cursor !== "string") throw new InvalidCursorError();
      const [payload, tag, extra] = cursor.split(".");
      if (!payload || !tag || extra !== undefined) throw new InvalidCursorError();
      const expected = Buffer.from(mac(payload));
      const given = Buffer.from(tag);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new InvalidCursorError();
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      } catch {
        throw new InvalidCursorError();
      }
      const { q, p } = (parsed ?? {}) as { q?: unknown; p?: unknown };
      if (
        q !== query ||
        !Array.isArray(p) ||
        p.length !== length ||
        !p.every((n) => Number.isSafeInteger(n) && n >= 0)
      )
        throw new InvalidCursorError();
      return p as number[];
    },
  };
}

export type PageCursors = ReturnType<typeof createPageCursors>;
