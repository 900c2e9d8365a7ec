import type { EndpointConfig } from "@chainlog/runtime-config";
import type { Logger } from "@chainlog/telemetry";
import { classifyError } from "./classify.ts";
import { createEndpoint, type Endpoint, type EndpointStatus } from "./endpoint.ts";
import { NoHealthyEndpointError } from "./errors.ts";
import { postBatch, type RpcCall, type RpcOutcome } from "./json-rpc.ts";
import type { RpcMetrics } from "./metrics.ts";

/** One endpoint, lent to a caller for the duration of one attempt. */
export interface EndpointClient {
  readonly label: string;
  readonly endpoint: Endpoint;
  /** One JSON-RPC batch on this endpoint; halves and retries it when the node says the answer is too large. */
  batch(calls: RpcCall[]): Promise<RpcOutcome[]>;
  call<T = unknown>(method: string, params: unknown[]): Promise<T>;
}

export interface RpcPoolOptions {
  endpoints: EndpointConfig[];
  /** Blocks an endpoint may trail the best one before it leaves the rotation. */
  maxLag?: number;
  timeoutMs?: number;
  healthIntervalMs?: number;
  /** Rounds over all endpoints before a call gives up. */
  maxRounds?: number;
  logger: Logger;
  metrics: RpcMetrics;
}

export interface RpcPool {
  /**
   * Runs `fn` on the best healthy endpoint; if it throws a retryable error (including an invalid answer found
   * by the caller's validation), the endpoint is charged and `fn` runs again on the next one.
   */
  withEndpoint<T>(fn: (client: EndpointClient) => Promise<T>, options?: CallOptions): Promise<T>;
  request<T = unknown>(method: string, params: unknown[], options?: CallOptions): Promise<T>;
  /** Takes an endpoint out of rotation after its answer was proven wrong (e.g. by another endpoint). */
  penalize(label: string, error: Error): void;
  /** Best head among healthy endpoints (a lower head elsewhere is lag, never a reorg). -1 if unknown. */
  head(): number;
  /** Runs a health check round now and returns the best head. */
  checkHealth(): Promise<number>;
  status(): EndpointStatus[];
  healthyCount(): number;
  failovers(): number;
  start(): void;
  close(): void;
}

export interface CallOptions {
  /** Prefer endpoints whose head is at least this block. */
  minHead?: number;
  /** Try this endpoint last (e.g. the one whose answer is being double-checked). */
  avoid?: string;
}

const MAX_PENALTY_MS = 60_000;

export function createRpcPool(options: RpcPoolOptions): RpcPool {
  if (options.endpoints.length === 0) throw new NoHealthyEndpointError();
  const maxLag = options.maxLag ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRounds = options.maxRounds ?? 4;
  const { logger, metrics } = options;
  const endpoints = options.endpoints.map(createEndpoint);
  let failoverCount = 0;
  let lastServed: Endpoint | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<number> | undefined;

  const bestHead = () => Math.max(-1, ...endpoints.filter((e) => e.healthy).map((e) => e.head));

  const setHealthy = (ep: Endpoint, healthy: boolean, reason: string) => {
    if (ep.healthy === healthy) return;
    ep.healthy = healthy;
    metrics.healthy.set({ endpoint: ep.label }, healthy ? 1 : 0);
    if (healthy) logger.info({ endpoint: ep.label }, "endpoint back in rotation");
    else logger.warn({ endpoint: ep.label, reason }, "endpoint left rotation");
    // A failover: the endpoint we were being served by is gone; the next call goes elsewhere.
    if (!healthy && ep === lastServed) {
      failoverCount++;
      metrics.failovers.inc({ endpoint: ep.label });
      lastServed = undefined;
    }
  };

  const recordFailure = (ep: Endpoint, error: unknown, force = false, lenientTimeout = false) => {
    const cls = classifyError(error);
    metrics.errors.inc({ endpoint: ep.label, class: cls });
    ep.lastError = (error as Error)?.message ?? String(error);
    if (cls === "rate-limited") {
      ep.bucket.onRateLimited();
      metrics.rate.set({ endpoint: ep.label }, ep.bucket.rate);
      return;
    }
    ep.consecutiveFailures++;
    // A dead socket or a silent node is out at once; odd answers get two more chances.
    const down =
      error instanceof TypeError || (!lenientTimeout && (error as Error)?.name === "RpcTimeoutError");
    if (force || down || ep.consecutiveFailures >= 3) {
      ep.penaltyMs = Math.min(MAX_PENALTY_MS, ep.penaltyMs ? ep.penaltyMs * 2 : 1000);
      ep.penaltyUntil = Date.now() + ep.penaltyMs;
      setHealthy(ep, false, ep.lastError);
    }
  };

  const recordSuccess = (ep: Endpoint) => {
    ep.consecutiveFailures = 0;
  };

  const rawBatch = async (ep: Endpoint, calls: RpcCall[]): Promise<RpcOutcome[]> => {
    await ep.bucket.take(calls.length);
    metrics.requests.inc({ endpoint: ep.label }, calls.length);
    const started = performance.now();
    ep.inFlight++;
    try {
      return await postBatch(ep.url, calls, timeoutMs);
    } finally {
      ep.inFlight--;
      const ms = performance.now() - started;
      ep.latencyMs = ep.latencyMs * 0.8 + ms * 0.2;
      metrics.latency.observe({ endpoint: ep.label }, ms / 1000);
    }
  };

  const client = (ep: Endpoint): EndpointClient => {
    const batch = async (calls: RpcCall[]): Promise<RpcOutcome[]> => {
      try {
        const out = await rawBatch(ep, calls);
        const tooLarge = out.find((o) => !o.ok && classifyError(o.error) === "split");
        if (tooLarge && calls.length > 1) throw (tooLarge as { error: Error }).error;
        return out;
      } catch (error) {
        if (classifyError(error) !== "split" || calls.length < 2) throw error;
        metrics.errors.inc({ endpoint: ep.label, class: "split" });
        const half = Math.ceil(calls.length / 2);
        return [...(await batch(calls.slice(0, half))), ...(await batch(calls.slice(half)))];
      }
    };
    return {
      label: ep.label,
      endpoint: ep,
      batch,
      async call<T>(method: string, params: unknown[]) {
        const [out] = await batch([{ method, params }]);
        if (!out!.ok) throw out!.error;
        return out!.value as T;
      },
    };
  };

  /** Healthy endpoints that have the block, by priority then load then latency; the rest as a last resort. */
  const order = ({ minHead, avoid }: CallOptions): Endpoint[] => {
    const score = (e: Endpoint) => e.latencyMs * (1 + e.inFlight);
    const byPreference = (a: Endpoint, b: Endpoint) => a.priority - b.priority || score(a) - score(b);
    const healthy = endpoints.filter((e) => e.healthy);
    const ready = healthy.filter((e) => minHead === undefined || e.head < 0 || e.head >= minHead);
    const rest = endpoints.filter((e) => !ready.includes(e));
    const all = [...ready.sort(byPreference), ...rest.sort(byPreference)];
    const avoided = all.filter((e) => e.label === avoid);
    return [...all.filter((e) => e.label !== avoid), ...avoided];
  };

  const withEndpoint = async <T>(
    fn: (c: EndpointClient) => Promise<T>,
    opts: CallOptions = {},
  ): Promise<T> => {
    let lastError: unknown;
    for (let round = 0; round < maxRounds; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** round)));
      const candidates = order(opts);
      for (const [i, ep] of candidates.entries()) {
        // Unhealthy endpoints are tried only when every healthy one failed in this round.
        if (!ep.healthy && candidates.slice(0, i).some((e) => e.healthy) && round === 0) continue;
        try {
          const result = await fn(client(ep));
          recordSuccess(ep);
          lastServed = ep;
          return result;
        } catch (error) {
          lastError = error;
          if (classifyError(error) === "fatal") throw error;
          recordFailure(ep, error);
          metrics.retries.inc({ endpoint: ep.label });
          logger.debug(
            { endpoint: ep.label, err: (error as Error).message },
            "request failed; trying next endpoint",
          );
        }
      }
    }
    throw new NoHealthyEndpointError(lastError);
  };

  const checkOne = async (ep: Endpoint): Promise<void> => {
    try {
      const [out] = await postBatch(ep.url, [{ method: "eth_blockNumber", params: [] }], timeoutMs);
      if (!out!.ok) throw out!.error;
      if (typeof out!.value !== "string" || !/^0x[0-9a-f]+$/i.test(out!.value))
        throw new Error("eth_blockNumber answer is not a quantity");
      ep.head = Number(BigInt(out!.value));
    } catch (error) {
      // A slow answer may only mean a busy node (e.g. serving our own backfill): it counts towards the
      // three-strikes rule instead of taking the endpoint out at once.
      if (ep.healthy) recordFailure(ep, error, false, true);
      ep.lastError = (error as Error).message;
      if (!ep.healthy) ep.head = -1;
    }
  };

  const checkHealth = (): Promise<number> => {
    checking ??= (async () => {
      await Promise.all(endpoints.map(checkOne));
      const best = Math.max(-1, ...endpoints.filter((e) => e.head >= 0).map((e) => e.head));
      for (const ep of endpoints) {
        const lag = ep.head < 0 ? best + 1 : best - ep.head;
        metrics.lag.set({ endpoint: ep.label }, Math.max(0, lag));
        metrics.rate.set({ endpoint: ep.label }, Number.isFinite(ep.bucket.rate) ? ep.bucket.rate : -1);
        if (ep.head < 0) continue;
        if (lag > maxLag) setHealthy(ep, false, `${lag} blocks behind the best endpoint`);
        else if (!ep.healthy && Date.now() >= ep.penaltyUntil) {
          ep.consecutiveFailures = 0;
          setHealthy(ep, true, "probe succeeded");
        } else if (ep.healthy && ep.consecutiveFailures === 0) ep.penaltyMs = 0;
      }
      return bestHead();
    })().finally(() => {
      checking = undefined;
    });
    return checking;
  };

  for (const ep of endpoints) metrics.healthy.set({ endpoint: ep.label }, 1);

  return {
    withEndpoint,
    request: <T>(method: string, params: unknown[], opts?: CallOptions) =>
      withEndpoint((c) => c.call<T>(method, params), opts),
    penalize(label, error) {
      const ep = endpoints.find((e) => e.label === label);
      if (ep) recordFailure(ep, error, true);
    },
    head: bestHead,
    checkHealth,
    status: () => {
      const best = Math.max(-1, ...endpoints.map((e) => e.head));
      return endpoints.map((e) => ({
        label: e.label,
        priority: e.priority,
        healthy: e.healthy,
        head: e.head,
        lag: e.head < 0 ? -1 : best - e.head,
        latencyMs: Math.round(e.latencyMs * 10) / 10,
        consecutiveFailures: e.consecutiveFailures,
        rateLimitRps: Number.isFinite(e.bucket.rate) ? e.bucket.rate : null,
        lastError: e.lastError,
      }));
    },
    healthyCount: () => endpoints.filter((e) => e.healthy).length,
    failovers: () => failoverCount,
    start() {
      if (timer) return;
      const interval = options.healthIntervalMs ?? 1000;
      const tick = () => {
        void checkHealth().finally(() => {
          if (timer) timer = setTimeout(tick, interval);
        });
      };
      timer = setTimeout(tick, 0);
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
