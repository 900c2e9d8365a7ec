import { hostname } from "node:os";
import type { OperationalState } from "@chainlog/ports";
import type { RpcPool } from "@chainlog/rpc";
import { type Logger, redactUrl } from "@chainlog/telemetry";
import { type EndpointHealth, IngestStatus } from "@chainlog/tx-schema";
import type { Ingest } from "../ingest.ts";

export interface StatusReporterOptions {
  store: Pick<OperationalState, "putServiceStatus">;
  ingest: Pick<Ingest, "status">;
  pool: Pick<RpcPool, "failovers" | "featuresOff" | "permanentErrors">;
  /** POD_NAME on Kubernetes, else hostname:pid. */
  instance?: string;
  /** Whether this instance holds ingest's leader lease and publishes (default: always, no election). */
  isLeader?: () => boolean;
  intervalMs?: number;
  /**
   * Until a report names the node's head as the leader's, reports come this often (default 250 ms) for at most
   * `settleForMs` (default 30 s): the enrichment stage reads them to hold traces back during a backfill, and a
   * start-up report that knows nothing yet would otherwise stand for a whole interval.
   */
  settleIntervalMs?: number;
  settleForMs?: number;
  logger: Logger;
}

export function defaultInstance(podName?: string): string {
  return (podName?.trim() || `${hostname()}:${process.pid}`).slice(0, 200);
}

/** Error texts can quote the endpoint URL (fetch failures do): its key must not reach the status page. */
const redactUrls = (text: string) => text.replace(/\b(?:https?|wss?):\/\/[^\s"'<>)]+/gi, (u) => redactUrl(u));

/** One IngestStatus from the ingest's and the pool's current state; validated, as it crosses a process. */
export function ingestStatusOf(
  ingest: Pick<Ingest, "status">,
  pool: Pick<RpcPool, "failovers" | "featuresOff" | "permanentErrors">,
  instance: string,
  now = Date.now(),
  leader = true,
): IngestStatus {
  const s = ingest.status();
  const head = s.head >= 0 ? s.head : null;
  const published = s.tip?.number ?? null;
  const best = Math.max(0, ...s.endpoints.map((e) => e.head));
  const endpoints: EndpointHealth[] = s.endpoints.slice(0, 64).map((e) => ({
    label: e.label.slice(0, 300),
    priority: Math.max(0, e.priority),
    healthy: e.healthy,
    // Before its first answer an endpoint's head is unknown (-1): shown as 0, a whole chain behind.
    head: Math.max(0, e.head),
    lag: e.head < 0 ? best : Math.max(0, e.lag),
    latencyMs: Math.max(0, e.latencyMs),
    consecutiveFailures: e.consecutiveFailures,
    rateLimitRps: e.rateLimitRps,
    lastError: e.lastError === null ? null : redactUrls(e.lastError).slice(0, 500),
  }));
  return IngestStatus.parse({
    service: "ingest",
    instance,
    updatedAt: now,
    // A standby (leader election on) follows the endpoints' health but publishes nothing.
    leader,
    head,
    published,
    lagBlocks: head !== null && published !== null ? Math.max(0, head - published) : null,
    failovers: pool.failovers(),
    lastProgressAt: s.lastProgressAt,
    endpoints,
    blockedBy: s.blockedBy === null ? null : redactUrls(s.blockedBy).slice(0, 500),
    featuresOff: pool
      .featuresOff()
      .slice(0, 64)
      .map((f) => ({ ...f, reason: redactUrls(f.reason).slice(0, 500) })),
    permanentErrors: pool
      .permanentErrors()
      .slice(0, 64)
      .map((p) => ({
        ...p,
        method: p.method.slice(0, 100),
        lastMessage: redactUrls(p.lastMessage).slice(0, 500),
      })),
  });
}

/**
 * Writes an IngestStatus into the store every interval (default 5 s), for /v1/status and the web status page.
 * A failed write is logged and retried at the next tick; it never disturbs ingest itself.
 */
export function createStatusReporter(options: StatusReporterOptions) {
  const instance = options.instance ?? defaultInstance();
  const intervalMs = options.intervalMs ?? 5000;
  const settleIntervalMs = Math.min(intervalMs, options.settleIntervalMs ?? 250);
  const settleForMs = options.settleForMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let failing = false;
  let startedAt = 0;
  /** A report as the leader with the node's head was written: the regular interval from then on. */
  let settled = false;

  const report = async () => {
    try {
      const status = ingestStatusOf(
        options.ingest,
        options.pool,
        instance,
        Date.now(),
        options.isLeader?.() ?? true,
      );
      await options.store.putServiceStatus(status);
      if (status.leader && status.head !== null) settled = true;
      if (failing) options.logger.info("status report written again");
      failing = false;
    } catch (error) {
      if (!failing) options.logger.warn({ err: error }, "status report failed");
      failing = true;
    }
  };

  const tick = () => {
    inFlight = report().finally(() => {
      inFlight = undefined;
      const settling = !settled && Date.now() - startedAt < settleForMs;
      if (timer) timer = setTimeout(tick, settling ? settleIntervalMs : intervalMs);
    });
  };

  return {
    instance,
    report,
    start() {
      if (timer) return;
      startedAt = Date.now();
      timer = setTimeout(tick, 0);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
