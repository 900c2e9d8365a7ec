import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createSqliteMetaStore } from "@chainlog/embedded";
import type { LeaseStore, MetaStore } from "@chainlog/ports";
import { createLogger } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fenceCursor, fenceSink } from "./fence.ts";
import {
  createLeaderElection,
  holderIsDeadHere,
  LeadershipLostError,
  leaderHolderId,
} from "./leader-election.ts";

const logger = createLogger("leader-test", "silent");
let dir: string;
let meta: MetaStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "chainlog-leader-"));
  meta = createSqliteMetaStore({ path: join(dir, "meta.db") });
  await meta.migrate();
});
afterAll(async () => {
  await meta?.close();
  rmSync(dir, { recursive: true, force: true });
});

const elect = (leases: LeaseStore, name: string, holder: string, ttlMs = 1500) =>
  createLeaderElection({ leases, name, holder, ttlMs, logger, pollMs: 50 });

describe("leader election", () => {
  it("one leader at a time; release hands over at once with a larger token", async () => {
    const a = elect(meta, "t1", leaderHolderId({ POD_NAME: "a", POD_NAMESPACE: "ns" }));
    const b = elect(meta, "t1", leaderHolderId({ POD_NAME: "b", POD_NAMESPACE: "ns" }));
    const stop = new AbortController();
    const termA = (await a.acquire(stop.signal))!;
    expect(termA.holder).toMatch(/^ns\/a:\d+:[0-9a-f]{6}$/);
    let termB: Awaited<ReturnType<typeof b.acquire>> | undefined;
    const waiting = b.acquire(stop.signal).then((t) => {
      termB = t;
    });
    await sleep(2500); // longer than the lease: A's renewals keep B waiting
    expect(termB).toBeUndefined();
    expect(a.status().role).toBe("leader");
    expect(() => termA.assertHeld()).not.toThrow();
    await termA.release();
    await waiting;
    expect(termB!.token).toBeGreaterThan(termA.token);
    expect(() => termA.assertHeld()).toThrow(LeadershipLostError);
    expect(termA.signal.aborted).toBe(true);
    await termB!.release();
  });

  it("logs a released term at info and a lost one at warn", async () => {
    const lines: { level: string; msg: string; reason?: string }[] = [];
    const logged = createLogger("leader-test", "info", {
      write: (l: string) => void lines.push(JSON.parse(l)),
    });
    const ended = () => lines.filter((l) => l.msg.startsWith("leader term ended"));
    const a = createLeaderElection({
      leases: meta,
      name: "t4",
      holder: "a:1:000000",
      ttlMs: 600,
      logger: logged,
    });
    await (await a.acquire(new AbortController().signal))!.release();
    expect(ended()).toMatchObject([{ level: "info", reason: "released" }]);

    lines.length = 0;
    const lost = (await a.acquire(new AbortController().signal))!;
    await meta.releaseLease((await meta.getLease("t4"))!); // someone else's doing: the lease is gone
    await new Promise((r) => lost.signal.addEventListener("abort", r, { once: true }));
    expect(ended()).toMatchObject([{ level: "warn", msg: "leader term ended: publishing stops" }]);
  });

  it("a leader that cannot renew stops publishing and writing its cursor before its lease runs out", async () => {
    let storeDown = false;
    // The same SQLite store, unreachable for renewals from one moment on (a partition between leader and store).
    const flaky: LeaseStore = {
      acquireLease: (...a) => meta.acquireLease(...a),
      renewLease: async (...a) => {
        if (storeDown) throw new Error("connection refused");
        return meta.renewLease(...a);
      },
      releaseLease: (...a) => meta.releaseLease(...a),
      getLease: (...a) => meta.getLease(...a),
    };
    const election = elect(flaky, "t2", leaderHolderId({ POD_NAME: "a" }), 1200);
    const term = (await election.acquire(new AbortController().signal))!;
    const published: number[] = [];
    const saved: number[] = [];
    const sink = fenceSink({ publish: async (e) => void published.push(e.length) }, term);
    const cursor = fenceCursor(
      { load: async () => null, save: async (tip) => void saved.push(tip!.number) },
      term,
    );
    await sink.publish([]);
    await cursor.save({ number: 1, hash: `0x${"1".repeat(64)}` }, []);
    storeDown = true;
    const downAt = Date.now();
    await new Promise<void>((r) => term.signal.addEventListener("abort", () => r(), { once: true }));
    const endedAfter = Date.now() - downAt;
    const lease = (await meta.getLease("t2"))!;
    // The term ended while the stored lease was still live: nobody else could have held it yet.
    expect(Date.now()).toBeLessThan(lease.expiresAt);
    expect(endedAfter).toBeLessThan(1200);
    await expect(sink.publish([])).rejects.toBeInstanceOf(LeadershipLostError);
    await expect(cursor.save({ number: 2, hash: `0x${"2".repeat(64)}` }, [])).rejects.toBeInstanceOf(
      LeadershipLostError,
    );
    expect(published).toEqual([0]);
    expect(saved).toEqual([1]);
  });

  it("takes over at once from a holder that died on this host, never from a live one", async () => {
    const me = leaderHolderId({});
    const place = me.slice(0, me.indexOf(":"));
    expect(holderIsDeadHere(`${place}:999999999:abcdef`, me)).toBe(true);
    expect(holderIsDeadHere(`${place}:${process.ppid}:abcdef`, me)).toBe(false);
    expect(holderIsDeadHere(`${place}:${process.pid}:abcdef`, me)).toBe(false);
    expect(holderIsDeadHere("elsewhere:999999999:abcdef", me)).toBe(false);

    await meta.acquireLease("t3", `${place}:999999999:abcdef`, 60_000);
    const started = Date.now();
    const term = (await elect(meta, "t3", me, 60_000).acquire(new AbortController().signal))!;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(term.token).toBe(2);
    await term.release();
  });
});
