import type { AdapterLogger, HoldingsBackfill, StoredHeight } from "@chainlog/ports";
import type { BlockRef, TokenTransfer } from "@chainlog/tx-schema";
import { holdingRows, type Row } from "./block-rows.ts";
import { readOptions, type StoreContext } from "./context.ts";
import { runLimited } from "./run-limited.ts";

/** Where the backfill is: the next height to do and the last one it has to (null until it started). */
interface BackfillState {
  next: number;
  upTo: number;
  done: boolean;
  /** The lowest height it started from (absent in states saved before it was kept). */
  from?: number;
}

const STATE_KEY = "holdings_backfill";

export interface HoldingsBackfillDeps {
  ctx: StoreContext;
  /** The keyspace was made by this version (migration 1 ran in this start): nothing to fill. */
  created: boolean;
  logger: AdapterLogger;
  heights(from: number, limit: number): Promise<StoredHeight[]>;
  latest(): Promise<number | null>;
  hashAt(number: number): Promise<string | null>;
  /** Writes rows of a block with their height index (so a rollback of the block deletes them too). */
  writeIndexed(block: BlockRef, rows: Row[]): Promise<void>;
  /** Deletes every row a block wrote (its height index): for a block replaced while it was backfilled. */
  clearBlock(number: number, hash: string): Promise<void>;
  /** True once the store closes: the backfill stops between heights and resumes at the next start. */
  stopped(): boolean;
}

export interface BackfillOptions {
  /** Heights per step (the state is saved after each). Default 200. */
  batch?: number;
  /** Stop after this many steps (tests: an interrupted run). Default: until done. */
  maxSteps?: number;
}

/**
 * Migration 5 added holding_deltas, written with each block from then on; a keyspace made before it has no
 * holdings for its older blocks, and an address page would state a range its holdings do not cover. This fills
 * them once, from the transfers each stored block keeps in tx_by_hash, up to the newest block stored when it
 * started (the blocks above it were written with their holdings). Resumable (the next height is saved in
 * store_meta after each step) and idempotent: a block's rows are its net changes, computed from the same
 * stored transfers as the writer's, so writing them again, or beside the writer, changes nothing. Its rows join
 * the block's height index, so a later rollback of the block takes them off too.
 */
export async function backfillHoldings(
  deps: HoldingsBackfillDeps,
  options: BackfillOptions = {},
): Promise<"done" | "stopped"> {
  const { ctx, logger } = deps;
  const { ks, exec } = ctx;
  const batch = options.batch ?? 200;
  const save = (state: BackfillState) =>
    exec(`INSERT INTO ${ks}.store_meta (k, v) VALUES (?, ?)`, [
      STATE_KEY,
      Buffer.from(JSON.stringify(state)),
    ]);
  const saved = await readState(ctx);
  let state: BackfillState;
  if (saved) state = saved;
  else {
    const lowest = deps.created ? null : ((await deps.heights(0, 1))[0]?.number ?? null);
    const latest = deps.created ? null : await deps.latest();
    state =
      lowest === null || latest === null
        ? { next: 0, upTo: -1, done: true }
        : { next: lowest, upTo: latest, done: false, from: lowest };
    await save(state);
  }
  if (state.done) return "done";
  logger.info({ keyspace: ks, from: state.next, upTo: state.upTo }, "backfilling holdings");

  for (let step = 0; options.maxSteps === undefined || step < options.maxSteps; step++) {
    if (deps.stopped()) return "stopped";
    const heights = (await deps.heights(state.next, batch)).filter((h) => h.number <= state.upTo);
    if (heights.length === 0) {
      await save({ ...state, done: true });
      logger.info({ keyspace: ks, upTo: state.upTo }, "holdings backfilled");
      return "done";
    }
    await runLimited(
      heights.map((h) => () => backfillBlock(deps, h)),
      Math.max(1, Math.floor(ctx.concurrency / 8)),
    );
    state = { ...state, next: (heights.at(-1)?.number ?? state.next) + 1 };
    await save(state);
  }
  return "stopped";
}

async function readState(ctx: StoreContext): Promise<BackfillState | null> {
  const row = (
    await ctx.exec(`SELECT v FROM ${ctx.ks}.store_meta WHERE k = ?`, [STATE_KEY], readOptions)
  ).first();
  return row ? (JSON.parse(Buffer.from(row.v as Buffer).toString("utf8")) as BackfillState) : null;
}

/**
 * The backfill still to do, or null once done (or never started: the background run saves its state as the store
 * opens, before it fills anything).
 */
export async function pendingBackfill(ctx: StoreContext): Promise<HoldingsBackfill | "done" | null> {
  const state = await readState(ctx);
  if (!state) return null;
  if (state.done) return "done";
  return { from: state.from ?? state.next, next: state.next, upTo: state.upTo };
}

/** One block's holding rows from the transfers stored with its transactions. */
async function backfillBlock(deps: HoldingsBackfillDeps, h: StoredHeight): Promise<void> {
  const { ks, exec } = deps.ctx;
  const block = { number: h.number, hash: h.hash };
  const hashes: string[] = [];
  for await (const r of await exec(`SELECT tx FROM ${ks}.txs_by_block WHERE block_hash = ?`, [h.hash], {
    ...readOptions,
    fetchSize: 1000,
  }))
    hashes.push((JSON.parse(String(r.tx)) as { hash: string }).hash);
  const transfers: TokenTransfer[] = [];
  await runLimited(
    hashes.map((hash) => async () => {
      const tx = (
        await exec(`SELECT block_hash, transfers FROM ${ks}.tx_by_hash WHERE hash = ?`, [hash], readOptions)
      ).first();
      // the copy of another block (the transaction mined again in a fork) is not this block's
      if (tx && String(tx.block_hash) === h.hash && tx.transfers)
        transfers.push(...(JSON.parse(String(tx.transfers)) as TokenTransfer[]));
    }),
    16,
  );
  const rows = holdingRows(h.number, transfers);
  if (rows.length === 0) return;
  await deps.writeIndexed(block, rows);
  // Replaced meanwhile: the writer's rollback may have read the height index before these rows joined it.
  if ((await deps.hashAt(h.number)) !== h.hash) await deps.clearBlock(h.number, h.hash);
}
