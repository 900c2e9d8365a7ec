import { randomUUID } from "node:crypto";
import { decodeLogs } from "@chainlog/decoders";
import type { Bus, ConsumedMessage, ReadModel, StoredBlock, Subscription } from "@chainlog/ports";
import type { Logger } from "@chainlog/telemetry";
import { decodeProcessed, type ProcessedEnvelope, type TokenTransfer, Topics } from "@chainlog/tx-schema";
import type { LiveEvent, LiveEventType, StreamFilter } from "./filter.ts";

export interface LiveClient {
  filter: StreamFilter;
  /** Writes a frame; the client decides whether it is too far behind. */
  send(event: LiveEvent): void;
  /** Bytes written to this client that its socket has not taken yet. */
  buffered(): number;
  /** Told, before any event, that its Last-Event-ID cannot be resumed from (events after it were dropped). */
  resumeUnavailable?(): void;
}

export interface LiveFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Registers a client and sends it the ring's events after `lastEventId`, before any newer one; resolves to
   * those events, or null (after calling its resumeUnavailable) when it cannot resume.
   */
  attach(client: LiveClient, lastEventId?: string): Promise<LiveEvent[] | null>;
  detach(client: LiveClient): void;
  clients(): number;
  /** Server memory held for unsent frames, summed over clients. */
  bufferedBytes(): number;
  /** Processed blocks heard of while no client listened, not read from the store yet. */
  heldBlocks(): number;
  /** Newest event id, for tests and for a client that wants to know where it stands. */
  lastId(): string | null;
  /** Feeds an envelope in directly, as the bus path does; resolves once its events went out. */
  publish(envelope: ProcessedEnvelope): Promise<void>;
}

/**
 * An event of the ring. Its JSON and SSE frame are built on first use, then kept for every other client: while
 * catching up thousands of events a second pass through the ring with no client to read them.
 */
class FeedEvent implements LiveEvent {
  #json: string | undefined;
  #frame: string | undefined;
  #value: bigint | undefined;
  wsMessage?: string;
  constructor(
    readonly seq: number,
    readonly id: string,
    readonly type: LiveEventType,
    readonly from: string | null,
    readonly to: string | null,
    readonly token: string | null,
    private readonly decimal: string,
    private readonly data: () => unknown,
  ) {}
  get value(): bigint {
    this.#value ??= BigInt(this.decimal);
    return this.#value;
  }
  get json(): string {
    this.#json ??= JSON.stringify(this.data());
    return this.#json;
  }
  get frame(): string {
    this.#frame ??= `id: ${this.id}\nevent: ${this.type}\ndata: ${this.json}\n\n`;
    return this.#frame;
  }
}

/** An announced block as the live feed reads it: its stored rows, and the token transfers its logs hold. */
interface ReadBlock {
  stored: StoredBlock;
  transfers: TokenTransfer[];
}

/**
 * Consumes Topics.processed from "latest" in a consumer group of its own (every query-api instance sees every
 * event), reads each announced block's transactions and logs from the store, turns them into per-transaction /
 * per-transfer events, keeps a bounded ring of recent ones for Last-Event-ID resume, and fans them out to the
 * attached clients. Everything that touches the ring runs one step at a time, in the bus's order.
 */
export function createLiveFeed(deps: {
  bus: Bus;
  store: Pick<ReadModel, "getStoredBlock">;
  logger: Logger;
  ringSize: number;
  partitions?: number;
  /**
   * Blocks heard of while no client listens, kept as references (default the ring's size: each block gives the
   * ring at least one event, so older ones could not be in it): read from the store only when a client attaches,
   * newest first, until the ring is full. Beyond it the oldest are dropped, and a resume from before them says
   * it cannot.
   */
  heldBlocks?: number;
}): LiveFeed {
  // Event ids are `<epoch>.<seq>`: a resume id from another instance or an earlier run is recognised as such.
  const epoch = randomUUID().slice(0, 8);
  const ring: LiveEvent[] = [];
  const clients = new Set<LiveClient>();
  let seq = 0;
  let subscription: Subscription | null = null;
  const log = deps.logger.child({ component: "live-feed" });
  // While nobody listens (a backfill's thousands of blocks a second, usually) the store is not read at all.
  const held: ProcessedEnvelope[] = [];
  const heldCap = Math.max(1, deps.heldBlocks ?? deps.ringSize);
  let droppedHeld = false;
  // One step at a time: the bus's batches, attaches and direct publishes, in the order they came.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(step: () => Promise<T>): Promise<T> => {
    const run = queue.then(step);
    queue = run.catch(() => undefined);
    return run;
  };

  function emit(
    type: LiveEventType,
    data: () => unknown,
    from: string | null,
    to: string | null,
    token: string | null,
    value: string,
  ) {
    const n = ++seq;
    const event = new FeedEvent(n, `${epoch}.${n}`, type, from, to, token, value, data);
    ring.push(event);
    if (ring.length > deps.ringSize) ring.shift();
    for (const client of clients) if (client.filter(event)) client.send(event);
  }

  /**
   * The block's rows as the store has them, with its transfers decoded once; null once it was rolled back or
   * replaced (its retraction follows).
   */
  async function read(env: ProcessedEnvelope): Promise<ReadBlock | null> {
    if (env.kind !== "processed") return null;
    const stored = await deps.store.getStoredBlock(env.block.hash);
    if (!stored) {
      log.debug({ block: env.block }, "announced block no longer stored; skipped");
      return null;
    }
    return { stored, transfers: decodeLogs(stored.logs).tokenTransfers };
  }

  /** How many events `publishRead` makes of it: a transaction, a transfer or a retraction each. */
  function eventCount(env: ProcessedEnvelope, read: ReadBlock | null): number {
    if (env.kind === "retracted") return 1;
    return read ? read.stored.transactions.length + read.transfers.length : 0;
  }

  function publishRead(env: ProcessedEnvelope, read: ReadBlock | null) {
    if (env.kind === "retracted") {
      emit("retracted", () => ({ chainId: env.chainId, block: env.block }), null, null, null, "0");
      return;
    }
    if (!read) return;
    const blockTimestamp = env.block.timestamp;
    const status = new Map(read.stored.receipts.map((r) => [r.transactionHash, r.status]));
    for (const tx of read.stored.transactions)
      emit(
        "transaction",
        () => ({ ...tx, status: status.get(tx.hash) ?? null, blockTimestamp }),
        tx.from,
        tx.to,
        null,
        tx.value,
      );
    for (const t of read.transfers)
      emit("token_transfer", () => ({ ...t, blockTimestamp }), t.from, t.to, t.token, t.value);
  }

  async function publish(env: ProcessedEnvelope) {
    publishRead(env, await read(env));
  }

  /**
   * Turns the blocks held while nobody listened into events, before anything newer: read newest first until
   * they fill the ring, since older ones would only pass through it. Skipped or dropped ones leave a gap no
   * resume may cross: an id number is skipped and the ring emptied, so any earlier id is older than the ring's
   * oldest minus one.
   */
  async function drain() {
    if (held.length === 0) return;
    const blocks = held.splice(0);
    const kept: { env: ProcessedEnvelope; block: ReadBlock | null }[] = [];
    let events = 0;
    for (let i = blocks.length - 1; i >= 0 && events < deps.ringSize; i--) {
      const env = blocks[i]!;
      const block = await read(env);
      kept.unshift({ env, block });
      events += eventCount(env, block);
    }
    if (droppedHeld || kept.length < blocks.length) {
      ring.length = 0;
      seq += 1;
    }
    droppedHeld = false;
    for (const { env, block } of kept) publishRead(env, block);
  }

  function decode(m: ConsumedMessage): ProcessedEnvelope | null {
    try {
      return decodeProcessed(m.value, m.headers);
    } catch (error) {
      // A message this version cannot read is skipped, not retried forever: live streams are best-effort
      // views of what the store already holds.
      log.warn(
        { err: error, partition: m.partition, offset: m.offset },
        "skipping undecodable processed message",
      );
      return null;
    }
  }

  function onBatch(batch: ConsumedMessage[]) {
    const envelopes = batch.map(decode).filter((e): e is ProcessedEnvelope => e !== null);
    return serially(async () => {
      if (clients.size === 0) {
        held.push(...envelopes);
        if (held.length > heldCap) {
          held.splice(0, held.length - heldCap);
          droppedHeld = true;
        }
        return;
      }
      await drain();
      for (const env of envelopes) await publish(env);
    });
  }

  return {
    async start() {
      if (subscription) return;
      await deps.bus.ensureTopics([{ name: Topics.processed, partitions: deps.partitions ?? 8 }]);
      subscription = await deps.bus.consume({
        topic: Topics.processed,
        group: `query-api-live-${epoch}-${randomUUID().slice(0, 8)}`,
        startFrom: "latest",
        maxBatchSize: 100,
        onBatch,
        onError: (error) => log.error({ err: error }, "live feed batch failed"),
      });
    },
    async stop() {
      const s = subscription;
      subscription = null;
      await s?.close();
    },
    attach: (client, lastEventId) =>
      serially(async () => {
        await drain();
        let backlog: LiveEvent[] | null = [];
        if (lastEventId !== undefined) {
          const [e, n] = lastEventId.split(".");
          const after = Number(n);
          const oldest = ring[0]?.seq ?? seq + 1;
          // Events between the resume point and the ring's oldest were dropped: the client cannot resume exactly.
          backlog =
            e !== epoch || !Number.isSafeInteger(after) || after < oldest - 1
              ? null
              : ring.filter((ev) => ev.seq > after && client.filter(ev));
        }
        if (backlog === null) client.resumeUnavailable?.();
        else for (const event of backlog) client.send(event);
        clients.add(client);
        return backlog;
      }),
    detach(client) {
      clients.delete(client);
    },
    clients: () => clients.size,
    bufferedBytes: () => {
      let total = 0;
      for (const c of clients) total += c.buffered();
      return total;
    },
    heldBlocks: () => held.length,
    lastId: () => (seq ? `${epoch}.${seq}` : null),
    publish: (envelope) =>
      serially(async () => {
        await drain();
        await publish(envelope);
      }),
  };
}
