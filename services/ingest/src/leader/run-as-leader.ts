import type { Logger } from "@chainlog/telemetry";
import { Counter, Gauge, type Registry } from "@chainlog/telemetry";
import type { HealthCheckResult } from "@chainlog/tx-schema";
import type { Ingest } from "../ingest.ts";
import { type LeaderElection, LeadershipLostError, type LeaderTerm } from "./leader-election.ts";

export interface RunAsLeaderOptions {
  /** null: no election (CHAINLOG_LEADER_LEASE=off), this process publishes from the start. */
  election: LeaderElection | null;
  /** A fresh ingest for each term: it loads the stored cursor, so a new leader resumes where the last one stopped. */
  ingestFor: (term: LeaderTerm | null) => Ingest;
  logger: Logger;
}

export function createLeaderMetrics(registry: Registry) {
  const r = [registry];
  return {
    leader: new Gauge({
      name: "chainlog_ingest_leader",
      help: "1 while this ingest holds the leader lease and publishes, 0 as a standby",
      registers: r,
    }),
    token: new Gauge({
      name: "chainlog_ingest_leader_token",
      help: "Fencing token of the lease term this ingest last held",
      registers: r,
    }),
    terms: new Counter({ name: "chainlog_ingest_leader_terms_total", help: "Lease terms won", registers: r }),
  };
}

/**
 * Runs ingest while this process leads: waits as a standby, runs a term's ingest until the term ends, and goes
 * back to standby when the lease is lost. Resolves when the signal aborts or a bounded range is done (the lease
 * released, so a standby takes over at once); rejects on a fatal ingest error.
 */
export function createLeaderRunner(options: RunAsLeaderOptions) {
  const { election, logger } = options;
  let current: Ingest | null = null;

  const run = async (signal: AbortSignal): Promise<void> => {
    while (!signal.aborted) {
      const term = election ? await election.acquire(signal) : null;
      if (election && !term) return;
      const ingest = options.ingestFor(term);
      current = ingest;
      const termSignal = term ? AbortSignal.any([signal, term.signal]) : signal;
      try {
        await ingest.run(termSignal);
      } catch (error) {
        // A deposed term's last cursor write is refused on purpose; anything else is the ingest's own failure.
        if (!(term?.signal.aborted && error instanceof LeadershipLostError)) {
          await term?.release().catch(() => undefined);
          throw error;
        }
      }
      if (!term) return;
      if (!term.signal.aborted) {
        await term.release();
        return;
      }
      current = null;
      logger.warn({ term: term.token }, "no longer the leader: back to standby");
    }
  };

  return {
    run,
    /** For /readyz and /status: a standby is ready (it waits by design), a leader as its ingest says. */
    health: {
      ready: (): HealthCheckResult[] =>
        current?.readiness() ?? [{ name: "leader", ok: true, detail: "standby" }],
      status: () => ({ ...(current?.status() ?? { tip: null }), leader: election?.status() ?? null }),
    },
    /** The ingest of the running term, if any. */
    current: () => current,
  };
}
