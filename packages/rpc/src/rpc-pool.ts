import { setMaxListeners } from "node:events";
import type { EndpointConfig } from "@chainlog/runtime-config";
import { backoffMs, type Logger } from "@chainlog/telemetry";
import { classifyError, type PermanentKind, permanentKind } from "./classify.ts";
import { createEndpoint, type Endpoint, type EndpointStatus } from "./endpoint.ts";
import { NoHealthyEndpointError, RpcPoolClosedError, type RpcResponseError } from "./errors.ts";
import { postBatch, type RpcOutcome } from "./json-rpc.ts";
import { createRpcMetrics, type RpcMetrics } from "./metrics.ts";
import type { RpcCall, RpcMethod, RpcParams, RpcReturn } from "./rpc-schema.ts";

/** One endpoint, lent to a caller for the duration of one attempt. */
export interface EndpointClient {
  readonly label: string;
  readonly endpoint: Endpoint;
  /** One JSON-RPC batch on this endpoint; halves and retries it when the node says the answer is too large. */
  batch(calls: RpcCall[]): Promise<RpcOutcome[]>;
  call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcReturn<M>>;
}

export interface RpcPoolOptions {
  endpoints: EndpointConfig[];
  /** Blocks an endpoint may trail the best one before it leaves the rotation. */
  maxLag?: number;
  timeoutMs?: number;
  healthIntervalMs?: number;
  /** Rounds over all endpoints before a call gives up. */
  maxRounds?: number;
  /** Upper bound of each endpoint's adaptive concurrency (requests in flight). Default 16. */
  maxConcurrency?: number;
  /** A feature an endpoint refused permanently is probed again after this long. Default 10 min. */
  reprobeMs?: number;
  logger: Logger;
  /** Default: metrics in a private registry. */
  metrics?: RpcMetrics;
}

export interface CallOptions {
  /** Prefer endpoints whose head is at least this block. */
  minHead?: number;
  /** Try this endpoint last (e.g. the one whose answer is being double-checked). */
  avoid?: string;
  /** Only endpoints that have not turned this feature off (see featureOff). */
  feature?: string;
  /**
   * Per-attempt timeout of a call that is slow by nature (tracing a block re-executes it), instead of the pool's.
   * Its latency says nothing about the node's health: it neither shrinks the endpoint's concurrency nor counts
   * as the endpoint's latency. Asking again early would only make the node run the work twice.
   */
  timeoutMs?: number;
}

export interface BatchOptions extends CallOptions {
  /**
   * How long calls the node answered with a transient error are asked again (on any endpoint, with back-off)
   * before their error is returned as the answer. Default: the pool's rounds. 0: one attempt.
   */
  retryForMs?: number;
}

export interface PermanentErrorCount {
  method: string;
  kind: PermanentKind;
  count: number;
  lastMessage: string;
}

export interface RpcPool {
  /**
   * Runs `fn` on the best healthy endpoint; if it throws a transient error (including an invalid answer found
   * by the caller's validation), the endpoint is charged and `fn` runs again on the next one. A permanent answer
   * is counted and thrown at once: asking again cannot change it.
   */
  withEndpoint<T>(fn: (client: EndpointClient) => Promise<T>, options?: CallOptions): Promise<T>;
  request<M extends RpcMethod>(method: M, params: RpcParams<M>, options?: CallOptions): Promise<RpcReturn<M>>;
  /**
   * Answers in call order, each the node's result or its error for that call. Transport failures fail over;
   * calls answered with transient errors are asked again (see BatchOptions.retryForMs); permanent answers come
   * back as they are. Throws NoHealthyEndpointError when no endpoint answered at all.
   */
  batch(calls: RpcCall[], options?: BatchOptions): Promise<RpcOutcome[]>;
  /** Takes an endpoint out of rotation after its answer was proven wrong (e.g. by another endpoint). */
  penalize(label: string, error: Error): void;
  /** Records that an endpoint answered `feature` permanently no; it is asked again after the re-probe delay. */
  featureOff(label: string, feature: string, reason: string): void;
  /** Whether some endpoint in rotation may serve `feature` (never refused it, or its re-probe is due). */
  featureAvailable(feature: string): boolean;
  /** The reasons features are off, by feature (only when no endpoint in rotation can serve them). */
  featuresOff(): { feature: string; reason: string; until: number }[];
  /** Permanent answers so far, per method and kind. */
  permanentErrors(): PermanentErrorCount[];
  /** Best head among healthy endpoints (a lower head elsewhere is lag, never a reorg). -1 if unknown. */
  head(): number;
  /** Runs a health check round now and returns the best head. */
  checkHealth(): Promise<number>;
  status(): EndpointStatus[];
  healthyCount(): number;
  /** Requests the healthy endpoints accept in flight right now (their adaptive limits, summed). */
  capacity(): number;
  failovers(): number;
  start(): void;
  close(): void;
}

const MAX_PENALTY_MS = 60_000;
/** Between rounds over the endpoints, and between re-asks of a batch's failed calls. */
const roundBackoff = { firstDelayMs: 100, maxDelayMs: 2000 };
/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", done);
      resolve();
    }, ms);
    signal.addEventListener("abort", done, { once: true });
  });

export function createRpcPool(options: RpcPoolOptions): RpcPool {
  if (options.endpoints.length === 0) throw new NoHealthyEndpointError();
  const maxLag = options.maxLag ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRounds = options.maxRounds ?? 4;
  const reprobeMs = options.reprobeMs ?? 600_000;
  const { logger } = options;
  const metrics = options.metrics ?? createRpcMetrics();
  const endpoints = options.endpoints.map((e, i) => createEndpoint(e, i, options.maxConcurrency ?? 16));
  const permanent = new Map<string, PermanentErrorCount>();
  let failoverCount = 0;
  let lastServed: Endpoint | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<number> | undefined;
  // Closing aborts every request in flight and every retry wait: a shutdown never waits out a slow node.
  const closing = new AbortController();
  // one listener per request in flight and per retry wait: many by design, not a leak
  setMaxListeners(0, closing.signal);

  // With none in rotation, the heads of the last resorts: calls still go to them, so work must not stop.
  const bestHead = () => {
    const healthy = endpoints.filter((e) => e.healthy);
    return Math.max(-1, ...(healthy.length > 0 ? healthy : endpoints).map((e) => e.head));
  };

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

  /** A permanent answer: counted per method, logged once per method and endpoint, never held against health. */
  const recordPermanent = (ep: Endpoint, error: RpcResponseError) => {
    const kind = permanentKind(error) ?? "invalid-params";
    metrics.permanent.inc({ method: error.method, kind });
    metrics.errors.inc({ endpoint: ep.label, class: "permanent" });
    const key = `${error.method}/${kind}`;
    const seen = permanent.get(key);
    if (seen) {
      seen.count += 1;
      seen.lastMessage = error.message.slice(0, 300);
      return;
    }
    permanent.set(key, { method: error.method, kind, count: 1, lastMessage: error.message.slice(0, 300) });
    // reverts are ordinary answers (a token without symbol()); the others say what this node cannot do
    if (kind !== "reverted")
      logger.warn(
        { endpoint: ep.label, method: error.method, kind, err: error },
        "permanent RPC answer; not retried",
      );
  };

  const recordFailure = (ep: Endpoint, error: unknown, force = false, lenientTimeout = false) => {
    const cls = classifyError(error);
    metrics.errors.inc({ endpoint: ep.label, class: cls });
    ep.lastError = (error as Error)?.message ?? String(error);
    if (cls === "rate-limited") {
      ep.bucket.onRateLimited();
      ep.concurrency.onError();
      metrics.rate.set({ endpoint: ep.label }, ep.bucket.rate);
      return;
    }
    ep.consecutiveFailures++;
    ep.concurrency.onError();
    // A dead socket or a silent node is out at once; odd answers get two more chances.
    const down =
      error instanceof TypeError || (!lenientTimeout && (error as Error)?.name === "RpcTimeoutError");
    if (force || down || ep.consecutiveFailures >= 3) {
      ep.penaltyMs = Math.min(MAX_PENALTY_MS, ep.penaltyMs ? ep.penaltyMs * 2 : 1000);
      ep.penaltyUntil = Date.now() + ep.penaltyMs;
      setHealthy(ep, false, ep.lastError);
    }
  };

  /** Waits for one of the endpoint's concurrency slots; release() hands it to the next waiter. */
  const acquire = async (ep: Endpoint) => {
    while (ep.inFlight >= ep.concurrency.limit) {
      await new Promise<void>((r) => ep.waiting.push(r));
      closing.signal.throwIfAborted();
    }
    ep.inFlight++;
  };
  const release = (ep: Endpoint) => {
    ep.inFlight--;
    // wake as many as the (possibly grown) limit allows; each re-checks the limit itself
    for (let free = ep.concurrency.limit - ep.inFlight; free > 0 && ep.waiting.length > 0; free--)
      ep.waiting.shift()?.();
  };

  /** `slowCallTimeoutMs`: a call slow by nature (see CallOptions.timeoutMs); undefined for ordinary calls. */
  const rawBatch = async (
    ep: Endpoint,
    calls: RpcCall[],
    slowCallTimeoutMs?: number,
  ): Promise<RpcOutcome[]> => {
    await ep.bucket.take(calls.length);
    await acquire(ep);
    metrics.requests.inc({ endpoint: ep.label }, calls.length);
    const started = performance.now();
    let ok = false;
    try {
      const out = await postBatch(ep.url, calls, slowCallTimeoutMs ?? timeoutMs, closing.signal);
      ok = true;
      return out;
    } finally {
      const ms = performance.now() - started;
      // a batch's latency grows with its size: judge it per call, so big batches do not read as a slow node
      const judged = slowCallTimeoutMs === undefined ? ms / Math.max(1, Math.sqrt(calls.length)) : 0;
      if (ok) ep.concurrency.onSuccess(judged);
      metrics.concurrency.set({ endpoint: ep.label }, ep.concurrency.limit);
      release(ep);
      if (slowCallTimeoutMs === undefined) ep.latencyMs = ep.latencyMs * 0.8 + ms * 0.2;
      metrics.latency.observe({ endpoint: ep.label }, ms / 1000);
    }
  };

  const client = (ep: Endpoint, slowCallTimeoutMs?: number): EndpointClient => {
    const batch = async (calls: RpcCall[]): Promise<RpcOutcome[]> => {
      try {
        const out = await rawBatch(ep, calls, slowCallTimeoutMs);
        const tooLarge = out.find((o) => !o.ok && classifyError(o.error) === "split");
        if (tooLarge && calls.length > 1) throw (tooLarge as { error: Error }).error;
        for (const o of out)
          if (!o.ok && classifyError(o.error) === "permanent") recordPermanent(ep, o.error);
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
      async call(method, params) {
        const [out] = await batch([{ method, params } as RpcCall]);
        if (!out!.ok) throw out!.error;
        return out!.value as never;
      },
    };
  };

  const featureUsable = (ep: Endpoint, feature: string | undefined) => {
    if (!feature) return true;
    const off = ep.features.get(feature);
    return !off || Date.now() >= off.until;
  };

  /** Healthy endpoints that have the block, by priority then load then latency; the rest as a last resort. */
  const order = ({ minHead, avoid, feature }: CallOptions): Endpoint[] => {
    const score = (e: Endpoint) => e.latencyMs * (1 + e.inFlight / Math.max(1, e.concurrency.limit));
    const byPreference = (a: Endpoint, b: Endpoint) => a.priority - b.priority || score(a) - score(b);
    const able = endpoints.filter((e) => featureUsable(e, feature));
    const healthy = able.filter((e) => e.healthy);
    const ready = healthy.filter((e) => minHead === undefined || e.head < 0 || e.head >= minHead);
    const rest = able.filter((e) => !ready.includes(e));
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
      closing.signal.throwIfAborted();
      if (round > 0) await sleep(backoffMs(round, roundBackoff), closing.signal);
      const candidates = order(opts);
      for (const [i, ep] of candidates.entries()) {
        // Unhealthy endpoints are tried only when every healthy one failed in this round.
        if (!ep.healthy && candidates.slice(0, i).some((e) => e.healthy) && round === 0) continue;
        try {
          const result = await fn(client(ep, opts.timeoutMs));
          ep.consecutiveFailures = 0;
          lastServed = ep;
          return result;
        } catch (error) {
          lastError = error;
          const cls = classifyError(error);
          if (cls === "fatal" || cls === "permanent") throw error;
          recordFailure(ep, error);
          metrics.retries.inc({ endpoint: ep.label });
          logger.debug({ endpoint: ep.label, err: error }, "request failed; trying next endpoint");
        }
      }
      if (candidates.length === 0) break;
    }
    throw new NoHealthyEndpointError(lastError);
  };

  const batch = async (calls: RpcCall[], opts: BatchOptions = {}): Promise<RpcOutcome[]> => {
    if (calls.length === 0) return [];
    const deadline = opts.retryForMs === undefined ? undefined : Date.now() + opts.retryForMs;
    const answers: (RpcOutcome | undefined)[] = new Array(calls.length);
    let pending = calls.map((_, i) => i);
    for (let attempt = 0; ; attempt++) {
      const out = await withEndpoint(
        (c) => c.batch(pending.map((i) => calls[i]!)),
        attempt === 0 ? opts : { ...opts, avoid: undefined },
      );
      const retry: number[] = [];
      out.forEach((o, j) => {
        const i = pending[j]!;
        answers[i] = o;
        if (!o.ok && classifyError(o.error) !== "permanent") retry.push(i);
      });
      if (retry.length === 0) return answers as RpcOutcome[];
      const wait = backoffMs(attempt, roundBackoff);
      const outOfTime = deadline === undefined ? attempt + 1 >= maxRounds : Date.now() + wait > deadline;
      if (outOfTime) return answers as RpcOutcome[];
      pending = retry;
      await sleep(wait, closing.signal);
    }
  };

  const checkOne = async (ep: Endpoint): Promise<void> => {
    try {
      const [out] = await postBatch(
        ep.url,
        [{ method: "eth_blockNumber", params: [] } as RpcCall],
        timeoutMs,
        closing.signal,
      );
      if (!out!.ok) throw out!.error;
      if (typeof out!.value !== "string" || !/^0x[0-9a-f]+$/i.test(out!.value))
        throw new Error("eth_blockNumber answer is not a quantity");
      ep.head = Number(BigInt(out!.value));
    } catch (error) {
      if (closing.signal.aborted) return;
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
    request: (method, params, opts) =>
      withEndpoint((c) => c.call(method, params), opts) as Promise<RpcReturn<typeof method>>,
    batch,
    penalize(label, error) {
      const ep = endpoints.find((e) => e.label === label);
      if (ep) recordFailure(ep, error, true);
    },
    featureOff(label, feature, reason) {
      const ep = endpoints.find((e) => e.label === label);
      if (!ep) return;
      const known = ep.features.get(feature);
      const now = Date.now();
      ep.features.set(feature, {
        reason: reason.slice(0, 300),
        since: known?.since ?? now,
        until: now + reprobeMs,
      });
      if (!known || now >= known.until)
        logger.warn(
          { endpoint: ep.label, feature, reason, reprobeInMs: reprobeMs },
          "feature off for this endpoint; probed again later",
        );
    },
    // with no endpoint in rotation, the last resorts count: a feature is off only when refused
    featureAvailable: (feature) => {
      const inRotation = endpoints.some((e) => e.healthy);
      return endpoints.some((e) => (e.healthy || !inRotation) && featureUsable(e, feature));
    },
    featuresOff() {
      const out = new Map<string, { feature: string; reason: string; until: number }>();
      for (const ep of endpoints)
        for (const [feature, off] of ep.features)
          if (Date.now() < off.until && !endpoints.some((e) => e.healthy && featureUsable(e, feature)))
            out.set(feature, { feature, reason: off.reason, until: off.until });
      return [...out.values()];
    },
    permanentErrors: () => [...permanent.values()].map((p) => ({ ...p })),
    head: bestHead,
    checkHealth,
    status: () => {
      const best = Math.max(-1, ...endpoints.map((e) => e.head));
      const now = Date.now();
      return endpoints.map((e) => ({
        label: e.label,
        priority: e.priority,
        healthy: e.healthy,
        head: e.head,
        lag: e.head < 0 ? -1 : best - e.head,
        latencyMs: Math.round(e.latencyMs * 10) / 10,
        consecutiveFailures: e.consecutiveFailures,
        rateLimitRps: Number.isFinite(e.bucket.rate) ? e.bucket.rate : null,
        concurrency: e.concurrency.limit,
        lastError: e.lastError,
        featuresOff: [...e.features]
          .filter(([, off]) => now < off.until)
          .map(([feature, off]) => ({ feature, ...off })),
      }));
    },
    healthyCount: () => endpoints.filter((e) => e.healthy).length,
    capacity: () =>
      endpoints.filter((e) => e.healthy).reduce((n, e) => n + e.concurrency.limit, 0) ||
      endpoints[0]!.concurrency.limit,
    failovers: () => failoverCount,
    start() {
      if (timer || closing.signal.aborted) return;
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
      closing.abort(new RpcPoolClosedError());
      // callers queued for a slot wake up and find the pool closed
      for (const ep of endpoints) for (const wake of ep.waiting.splice(0)) wake();
    },
  };
}
