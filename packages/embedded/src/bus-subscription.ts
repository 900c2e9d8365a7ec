import { randomUUID } from "node:crypto";
import type { EventEmitter } from "node:events";
import { hostname } from "node:os";
import type { ConsumedMessage, ConsumeOptions, Subscription, TopicMessages } from "@chainlog/ports";
import { type Db, fromText, num, prepareRaw, toBuffer, writeTransaction } from "./sqlite.ts";

export interface SubscriptionTimings {
  /** How long a lease lasts without renewal; a member that stops renewing is replaced after this. */
  sessionTimeoutMs: number;
  /** Pause between polls when every partition is drained (other processes' messages are seen this late). */
  pollIntervalMs: number;
  /** How often a standby member checks whether the lease became free. */
  standbyPollMs: number;
  /** Back-off after a failed batch, doubled per attempt up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

/** The bus's publish, run in one write transaction with `alsoInside`. */
export type PublishWith = <T>(batches: TopicMessages[], alsoInside: () => T) => T;

interface Pending {
  batch: ConsumedMessage[];
  attempts: number;
  retryAt: number;
}

const HOST = hostname();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One member of a consumer group. The group's lease row names the single member that may fetch and commit for
 * the topic; the others wait as standby and take over once it is released, expires, or its process (on this
 * host) is gone. Every commit re-checks the lease in the same transaction, so a member that lost it (stalled
 * past the timeout) never moves the group's position: its batch is simply delivered again.
 */
export class SqliteSubscription implements Subscription {
  private readonly member = `${HOST}:${process.pid}:${randomUUID()}`;
  private readonly maxBatch: number;
  private leased = false;
  private closing = false;
  private closed: Promise<void> | null = null;
  private loop: Promise<void> = Promise.resolve();
  private renewTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private partitions: number[] = [];
  private readonly positions = new Map<number, number>();
  private readonly pending = new Map<number, Pending>();

  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly events: EventEmitter,
    private readonly options: ConsumeOptions,
    private readonly timings: SubscriptionTimings,
    private readonly publishWith: PublishWith,
    private readonly onDone: (s: SqliteSubscription) => void,
  ) {
    this.maxBatch = Math.max(1, Math.floor(options.maxBatchSize ?? 500));
    this.q = {
      lease: prepareRaw(db, "SELECT member, host, pid, expires_at FROM leases WHERE grp = ? AND topic = ?"),
      takeLease: prepareRaw(
        db,
        `INSERT INTO leases (grp, topic, member, host, pid, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (grp, topic) DO UPDATE SET member = excluded.member, host = excluded.host,
           pid = excluded.pid, expires_at = excluded.expires_at`,
      ),
      releaseLease: prepareRaw(
        db,
        // Expired as of now: a standby takes over at once, and retention measures the group's idleness from here.
        "UPDATE leases SET expires_at = ? WHERE grp = ? AND topic = ? AND member = ?",
      ),
      partitions: prepareRaw(
        db,
        "SELECT partition, next_offset, low_offset FROM partitions WHERE topic = ? ORDER BY partition",
      ),
      positions: prepareRaw(db, "SELECT partition, offset FROM positions WHERE grp = ? AND topic = ?"),
      insertPosition: prepareRaw(
        db,
        `INSERT INTO positions (grp, topic, partition, offset, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (grp, topic, partition) DO UPDATE SET offset = max(offset, excluded.offset),
           updated_at = excluded.updated_at`,
      ),
      fetch: prepareRaw(
        db,
        `SELECT offset, key, value, headers, ts FROM messages
         WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?`,
      ),
    };
  }

  /** Resolves once the first lease attempt is done, so a "latest" start position is fixed by then. */
  start(): void {
    this.tryAcquire();
    this.renewTimer = setInterval(() => this.renew(), Math.max(50, this.timings.sessionTimeoutMs / 3));
    this.renewTimer.unref();
    this.loop = this.run();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closing = true;
      this.wake?.();
      this.closed = this.loop.then(() => {
        if (this.renewTimer) clearInterval(this.renewTimer);
        try {
          if (this.leased && this.db.open)
            writeTransaction(this.db, () =>
              this.q.releaseLease.run([Date.now(), this.options.group, this.options.topic, this.member]),
            );
        } catch (error) {
          // Not released: a standby takes over when the lease times out instead.
          this.options.onError?.(error);
        }
        this.leased = false;
        this.onDone(this);
      });
    }
    return this.closed;
  }

  private async run(): Promise<void> {
    while (!this.closing) {
      try {
        if (!this.leased && !this.tryAcquire()) {
          await this.idle(this.timings.standbyPollMs);
          continue;
        }
        const worked = await this.round();
        if (!worked && !this.closing) await this.idle(this.timings.pollIntervalMs);
      } catch (error) {
        // The database itself failed (busy past the timeout, disk full): nothing was committed, so the batch is
        // fetched and delivered again once it recovers. The subscription never dies silently.
        this.options.onError?.(error);
        await this.idle(this.timings.retryDelayMs);
      }
    }
  }

  /** One pass over the partitions: at most one batch each, so no partition starves another. */
  private async round(): Promise<boolean> {
    let worked = false;
    for (const partition of this.partitions) {
      if (this.closing || !this.leased) break;
      const pending = this.pending.get(partition);
      if (pending && pending.retryAt > Date.now()) continue;
      const batch = pending?.batch ?? this.fetch(partition);
      if (batch.length === 0) continue;
      worked = true;
      const next = Number(batch[batch.length - 1]!.offset) + 1;
      // set once onBatch committed the position itself, in its publishes' transaction
      let committed = false;
      const context = {
        publishAllAndCommit: async (batches: TopicMessages[]) => {
          if (committed) throw new Error("publishAllAndCommit: this batch is already committed");
          const kept = this.publishWith(batches, () => this.commitInside(partition, next));
          committed = true;
          this.afterCommit(partition, next, kept);
        },
      };
      try {
        await this.options.onBatch(batch, context);
      } catch (error) {
        this.options.onError?.(error);
        // committed with its publishes before it failed: delivered already, as the port says
        if (committed) {
          this.pending.delete(partition);
          continue;
        }
        const attempts = (pending?.attempts ?? 0) + 1;
        const delay = Math.min(this.timings.maxRetryDelayMs, this.timings.retryDelayMs * 2 ** (attempts - 1));
        this.pending.set(partition, { batch, attempts, retryAt: Date.now() + delay });
        continue;
      }
      this.pending.delete(partition);
      if (!committed) this.commit(partition, next);
    }
    return worked;
  }

  private fetch(partition: number): ConsumedMessage[] {
    const from = this.positions.get(partition) ?? 0;
    const rows = this.q.fetch.all([this.options.topic, partition, from, this.maxBatch]);
    return rows.map((r) => ({
      topic: this.options.topic,
      partition,
      offset: String(r[0]),
      key: fromText(r[1]),
      value: toBuffer(r[2]),
      headers: JSON.parse(String(r[3])) as Record<string, string>,
      timestamp: num(r[4]),
    }));
  }

  private commit(partition: number, next: number): void {
    this.afterCommit(
      partition,
      next,
      writeTransaction(this.db, () => this.commitInside(partition, next)),
    );
  }

  /** Inside a write transaction: moves the group's position if this member still holds the lease. */
  private commitInside(partition: number, next: number): boolean {
    const { group, topic } = this.options;
    if (!this.ownsLease()) return false;
    this.q.insertPosition.run([group, topic, partition, next, Date.now()]);
    this.extendLease();
    return true;
  }

  private afterCommit(partition: number, next: number, kept: boolean): void {
    if (kept) this.positions.set(partition, next);
    else this.becomeStandby();
  }

  private tryAcquire(): boolean {
    if (this.closing) return false;
    const { group, topic, startFrom = "earliest" } = this.options;
    this.leased = writeTransaction(this.db, () => {
      const row = this.q.lease.get([group, topic]);
      const free =
        !row ||
        row[0] === this.member ||
        num(row[3]) <= Date.now() ||
        (row[1] === HOST && !processAlive(num(row[2])));
      if (!free) return false;
      this.extendLease();
      this.loadPositions(startFrom);
      return true;
    });
    return this.leased;
  }

  /** Reads the group's positions; partitions it has none for start at the log's end or its beginning. */
  private loadPositions(startFrom: "earliest" | "latest"): void {
    const { group, topic } = this.options;
    const committed = new Map(this.q.positions.all([group, topic]).map((r) => [num(r[0]), num(r[1])]));
    // A partition found after the first lease (the topic grew) starts at its beginning, so nothing is skipped.
    const firstTime = this.partitions.length === 0;
    this.partitions = [];
    for (const r of this.q.partitions.all([topic])) {
      const partition = num(r[0]);
      this.partitions.push(partition);
      let position = committed.get(partition);
      if (position === undefined) {
        // Materialised now, so the start point survives a restart and retention knows about this group.
        position = startFrom === "latest" && firstTime ? num(r[1]) : num(r[2]);
        this.q.insertPosition.run([group, topic, partition, position, Date.now()]);
      }
      this.positions.set(partition, position);
    }
  }

  private renew(): void {
    if (!this.leased || this.closing || !this.db.open) return;
    try {
      const kept = writeTransaction(this.db, () => {
        if (!this.ownsLease()) return false;
        this.extendLease();
        this.loadPositions("earliest");
        return true;
      });
      if (!kept) this.becomeStandby();
    } catch (error) {
      // Retried on the next tick; commits check the lease themselves, so a missed renewal costs nothing.
      this.options.onError?.(error);
    }
  }

  private ownsLease(): boolean {
    const row = this.q.lease.get([this.options.group, this.options.topic]);
    return row !== undefined && row[0] === this.member;
  }

  private extendLease(): void {
    const { group, topic } = this.options;
    const expires = Date.now() + this.timings.sessionTimeoutMs;
    this.q.takeLease.run([group, topic, this.member, HOST, process.pid, expires]);
  }

  private becomeStandby(): void {
    this.leased = false;
    this.pending.clear();
    this.positions.clear();
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off("published", onPublished);
        this.wake = null;
        resolve();
      };
      const onPublished = (topic: string) => {
        if (topic === this.options.topic) done();
      };
      const timer = setTimeout(done, ms);
      this.events.on("published", onPublished);
      this.wake = done;
    });
  }
}
