import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Lease, LeaseStore } from "@chainlog/ports";
import { backoffMs, type Logger, retry, sleep } from "@chainlog/telemetry";
import { ChainlogError } from "@chainlog/tx-schema";

/** Thrown by a publish or cursor write of a term that ended: whatever it carried was not written. */
export class LeadershipLostError extends ChainlogError {
  override name = "LeadershipLostError";
}

/** One ingest leader per chain, whatever the number of replicas. */
export function leaderLeaseName(chainId: number): string {
  return `ingest-leader:${chainId}`;
}

/**
 * namespace/pod on Kubernetes, else the host name; plus a per-process suffix, so a restarted container with its
 * predecessor's name never mistakes that predecessor's live lease for its own.
 */
export function leaderHolderId(env: { POD_NAME?: string; POD_NAMESPACE?: string }): string {
  return `${placeOf(env)}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

const placeOf = (env: { POD_NAME?: string; POD_NAMESPACE?: string }) =>
  env.POD_NAME ? [env.POD_NAMESPACE, env.POD_NAME].filter(Boolean).join("/") : hostname();

/**
 * True when `holder` names a process of this same place (host or pod) that no longer exists: a predecessor
 * killed on this machine, whose lease no one needs to wait out. A live pid (or our own, as pid 1 in a restarted
 * container is) counts as alive, so the answer errs toward waiting.
 */
export function holderIsDeadHere(holder: string, self: string): boolean {
  const m = /^(.*):(\d+):[0-9a-f]{6}$/.exec(holder);
  const me = /^(.*):(\d+):[0-9a-f]{6}$/.exec(self);
  if (!m || !me || m[1] !== me[1]) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** The reason a term ends when its holder gives the lease up itself (a shutdown), not when it loses it. */
const RELEASED = "released";

export interface LeaderTerm {
  readonly token: number;
  readonly holder: string;
  /** Aborted when the term ends: the lease was lost or not renewed in time, or it was released. */
  readonly signal: AbortSignal;
  /** Throws LeadershipLostError unless the lease is surely still ours (with the safety margin) right now. */
  assertHeld(): void;
  /** Ends the term and gives the lease up, so a standby takes over without waiting for it to expire. */
  release(): Promise<void>;
}

export interface LeaderElectionOptions {
  leases: LeaseStore;
  name: string;
  holder: string;
  ttlMs: number;
  logger: Logger;
  /** How often a standby asks for the lease. Default a tenth of the lease, between 100 ms and 1 s. */
  pollMs?: number;
  /** Called when a term starts and ends (metrics). */
  onChange?: (leader: boolean, token: number) => void;
}

/**
 * Leader election on a lease in the metadata store. The holder renews every third of the lease. It counts its
 * time from before each acquire/renew request went out (on the monotonic clock), less a margin of a quarter of
 * the lease for clock drift between hosts, and stops publishing when that runs out, even if the store is
 * unreachable: by then a standby may take the lease, and the two must never publish at once.
 */
export function createLeaderElection(options: LeaderElectionOptions) {
  const { leases, name, holder, ttlMs, logger } = options;
  const renewEveryMs = Math.floor(ttlMs / 3);
  const marginMs = Math.floor(ttlMs / 4);
  const pollMs = options.pollMs ?? Math.min(1000, Math.max(100, Math.floor(ttlMs / 10)));
  let role: "standby" | "leader" = "standby";
  let token: number | null = null;
  let since = Date.now();

  const startTerm = (first: Lease, askedAt: number): LeaderTerm => {
    const ended = new AbortController();
    let lease = first;
    let validUntil = askedAt + ttlMs - marginMs;
    let expiryTimer: NodeJS.Timeout | undefined;
    role = "leader";
    token = lease.token;
    since = Date.now();
    options.onChange?.(true, lease.token);
    logger.info({ lease: name, holder, term: lease.token }, "leader: this ingest publishes");

    const end = (reason: string) => {
      if (ended.signal.aborted) return;
      clearTimeout(expiryTimer);
      role = "standby";
      since = Date.now();
      options.onChange?.(false, lease.token);
      // giving the lease up (a shutdown) is routine; losing it is what an operator must hear about
      const fields = { lease: name, term: lease.token, reason };
      if (reason === RELEASED) logger.info(fields, "leader term ended: lease released");
      else logger.warn(fields, "leader term ended: publishing stops");
      ended.abort(new LeadershipLostError(reason));
    };
    const armExpiry = () => {
      clearTimeout(expiryTimer);
      expiryTimer = setTimeout(
        () => end("lease not renewed in time"),
        Math.max(0, validUntil - performance.now()),
      );
    };
    armExpiry();

    void (async () => {
      while (!ended.signal.aborted) {
        await sleep(renewEveryMs, ended.signal);
        if (ended.signal.aborted) return;
        // Retried until the term runs out: a store that is down for less than the margin costs nothing.
        let asked = 0;
        const renewed = await retry(
          () => {
            asked = performance.now();
            return leases.renewLease(lease, ttlMs);
          },
          {
            firstDelayMs: pollMs,
            maxDelayMs: renewEveryMs,
            signal: ended.signal,
            onRetry: (error, attempt) =>
              logger.warn({ lease: name, attempt, err: error }, "lease renewal failed; retrying"),
          },
        ).catch(() => undefined); // it throws only once the term ended
        if (ended.signal.aborted) return;
        if (!renewed) return end("lease lost");
        lease = renewed;
        validUntil = asked + ttlMs - marginMs;
        armExpiry();
      }
    })();

    return {
      token: lease.token,
      holder,
      signal: ended.signal,
      assertHeld() {
        if (ended.signal.aborted) throw new LeadershipLostError(String(ended.signal.reason?.message));
        if (performance.now() >= validUntil) {
          end("lease not renewed in time");
          throw new LeadershipLostError("lease not renewed in time");
        }
      },
      async release() {
        const held = !ended.signal.aborted;
        end(RELEASED);
        if (held) await leases.releaseLease(lease);
      },
    };
  };

  return {
    holder,
    /** Waits as a standby until this process holds the lease; null when the signal aborted first. */
    async acquire(signal: AbortSignal): Promise<LeaderTerm | null> {
      let waiting = false;
      let failures = 0;
      while (!signal.aborted) {
        const asked = performance.now();
        try {
          const lease = await leases.acquireLease(name, holder, ttlMs);
          if (lease) return startTerm(lease, asked);
          failures = 0;
          const current = await leases.getLease(name);
          if (current && current.expiresAt > Date.now() && holderIsDeadHere(current.holder, holder)) {
            // A crashed predecessor on this host (pnpm start restarting ingest): its lease is void, take over now.
            logger.info(
              { lease: name, holder: current.holder },
              "the lease holder died on this host; taking over",
            );
            await leases.releaseLease(current);
            continue;
          }
          if (!waiting) {
            logger.info(
              { lease: name, leader: current?.holder, term: current?.token },
              "standby: another ingest leads",
            );
            waiting = true;
          }
        } catch (error) {
          failures++;
          logger.warn({ lease: name, failures, err: error }, "lease store unavailable; retrying");
        }
        await sleep(
          failures === 0 ? pollMs : backoffMs(failures, { firstDelayMs: pollMs, maxDelayMs: 30_000 }),
          signal,
        );
      }
      return null;
    },
    status: () => ({ role, holder, token, since, lease: name, ttlMs }),
  };
}

export type LeaderElection = ReturnType<typeof createLeaderElection>;
