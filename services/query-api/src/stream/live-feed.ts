import { randomUUID } from "node:crypto";
import type { Bus, ConsumedMessage, Subscription } from "@chainlog/ports";
import type { Logger } from "@chainlog/telemetry";
import { decodeProcessed, type ProcessedEnvelope, Topics } from "@chainlog/tx-schema";
import type { LiveEvent, LiveEventType, StreamFilter } from "./filter.ts";

export interface LiveClient {
  filter: StreamFilter;
  /** Writes a frame; the client decides whether it is too far behind. */
  send(event: LiveEvent): void;
  /** Bytes written to this client that its socket has not taken yet. */
  buffered(): number;
}

export interface LiveFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Registers a client; returns the events after `lastEventId` still in the ring, or null when it cannot resume. */
  attach(client: LiveClient, lastEventId?: string): LiveEvent[] | null;
  detach(client: LiveClient): void;
  clients(): number;
  /** Server memory held for unsent frames, summed over clients. */
  bufferedBytes(): number;
  /** Bytes of processed messages held undecoded while no client listens. */
  heldBytes(): number;
  /** Newest event id, for tests and for a client that wants to know where it stands. */
  lastId(): string | null;
  /** Feeds envelopes in directly (the bus path calls this too). */
  publish(envelope: ProcessedEnvelope): void;
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

/**
 * Consumes Topics.processed from "latest" in a consumer group of its own (every query-api instance sees every
 * event), turns each block into per-transaction / per-transfer events, keeps a bounded ring of recent ones for
 * Last-Event-ID resume, and fans them out to the attached clients.
 */
export function createLiveFeed(deps: {
  bus: Bus;
  logger: Logger;
  ringSize: number;
  partitions?: number;
  /**
   * Bytes of processed messages held undecoded while no client listens (default the larger of 4 MiB and 2 KiB per
   * ring event, more than a full ring's worth): decoded only when a client attaches. Beyond it the oldest are
   * dropped, and a resume from before them says it cannot.
   */
  pendingBytes?: number;
}): LiveFeed {
  // Event ids are `<epoch>.<seq>`: a resume id from another instance or an earlier run is recognised as such.
  const epoch = randomUUID().slice(0, 8);
  const ring: LiveEvent[] = [];
  const clients = new Set<LiveClient>();
  let seq = 0;
  let subscription: Subscription | null = null;
  const log = deps.logger.child({ component: "live-feed" });
  // While nobody listens (a backfill's thousands of blocks a second, usually) decoding waits for a client.
  const pending: ConsumedMessage[] = [];
  let pendingBytes = 0;
  const pendingCap = deps.pendingBytes ?? Math.max(4 * 1024 * 1024, deps.ringSize * 2048);

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

  function publish(env: ProcessedEnvelope) {
    if (env.kind === "retracted") {
      emit("retracted", () => ({ chainId: env.chainId, block: env.block }), null, null, null, "0");
      return;
    }
    const blockTimestamp = env.block.timestamp;
    for (const tx of env.transactions)
      emit("transaction", () => ({ ...tx, blockTimestamp }), tx.from, tx.to, null, tx.value);
    for (const t of env.tokenTransfers)
      emit("token_transfer", () => ({ ...t, blockTimestamp }), t.from, t.to, t.token, t.value);
  }

  function decodeAndPublish(m: ConsumedMessage) {
    try {
      publish(decodeProcessed(m.value, m.headers));
    } catch (error) {
      // A message this version cannot read is skipped, not retried forever: live streams are best-effort
      // views of what the store already holds.
      log.warn(
        { err: error, partition: m.partition, offset: m.offset },
        "skipping undecodable processed message",
      );
    }
  }

  /** Turns the messages held while nobody listened into events, in order, before anything newer. */
  function drain() {
    if (pending.length === 0) return;
    const held = pending.splice(0);
    pendingBytes = 0;
    for (const m of held) decodeAndPublish(m);
  }

  function hold(message: ConsumedMessage) {
    // a copy: Kafka's values are slices of a whole fetch response, which holding them would keep alive
    const m = { ...message, value: Buffer.from(message.value) };
    pending.push(m);
    pendingBytes += m.value.length;
    if (pendingBytes <= pendingCap) return;
    while (pendingBytes > pendingCap && pending.length > 1) pendingBytes -= pending.shift()!.value.length;
    // Events were lost between the ring and what is held: no resume may cross that gap. An id number is
    // skipped and the ring emptied, so any earlier id is older than the ring's oldest minus one.
    ring.length = 0;
    seq += 1;
  }

  async function onBatch(batch: ConsumedMessage[]) {
    if (clients.size === 0) {
      for (const m of batch) hold(m);
      return;
    }
    drain();
    for (const m of batch) decodeAndPublish(m);
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
    attach(client, lastEventId) {
      drain();
      clients.add(client);
      if (lastEventId === undefined) return [];
      const [e, n] = lastEventId.split(".");
      const after = Number(n);
      if (e !== epoch || !Number.isSafeInteger(after)) return null;
      const oldest = ring[0]?.seq ?? seq + 1;
      // Events between the resume point and the ring's oldest were dropped: the client cannot resume exactly.
      if (after < oldest - 1) return null;
      return ring.filter((ev) => ev.seq > after && client.filter(ev));
    },
    detach(client) {
      clients.delete(client);
    },
    clients: () => clients.size,
    bufferedBytes: () => {
      let total = 0;
      for (const c of clients) total += c.buffered();
      return total;
    },
    heldBytes: () => pendingBytes,
    lastId: () => {
      drain();
      return seq ? `${epoch}.${seq}` : null;
    },
    publish: (envelope) => {
      drain();
      publish(envelope);
    },
  };
}
