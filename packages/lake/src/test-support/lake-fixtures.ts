import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { LakeEntities, type LakeEntity, type LakeRow } from "../schema.ts";

/** Registers cleanup after each test and returns a maker of fresh temp folders that the cleanup removes. */
export function useTempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** Rows of blocks [from, to]: a block row, two logs and a price each, enough to see duplicates and gaps. */
export function blockRows(from: number, to: number): Record<LakeEntity, LakeRow[]> {
  const out = Object.fromEntries(LakeEntities.map((e) => [e, [] as LakeRow[]])) as Record<
    LakeEntity,
    LakeRow[]
  >;
  for (let n = from; n <= to; n++) {
    out.blocks.push({ number: BigInt(n), hash: `0x${n}` });
    for (const i of [0, 1]) out.logs.push({ log_index: BigInt(i), block_number: BigInt(n), topics: "" });
    out.prices.push({ token: "0xt", quote: "USD", price: n + 0.5, block_number: BigInt(n) });
  }
  return out;
}
