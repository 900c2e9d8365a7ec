import type { EndpointConfig } from "@chainlog/runtime-config";
import { redactUrl } from "@chainlog/telemetry";
import { type Aimd, createAimd } from "./aimd.ts";
import { createTokenBucket, type TokenBucket } from "./token-bucket.ts";

/** A feature an endpoint answered permanently "no" to (method missing, state pruned…), until `until`. */
export interface FeatureOff {
  reason: string;
  since: number;
  /** Probed again after this time. */
  until: number;
}

/** Mutable health state of one endpoint; owned by the pool. */
export interface Endpoint {
  /** Index-based id plus the redacted URL: safe for logs and metric labels. */
  readonly label: string;
  readonly url: string;
  readonly priority: number;
  readonly bucket: TokenBucket;
  /** Requests in flight this endpoint is given (additive increase, multiplicative decrease). */
  readonly concurrency: Aimd;
  healthy: boolean;
  /** Latest block number it reported; -1 before the first health check. */
  head: number;
  /** Exponentially weighted round-trip time. */
  latencyMs: number;
  inFlight: number;
  /** Callers waiting for one of its concurrency slots. */
  readonly waiting: (() => void)[];
  consecutiveFailures: number;
  /** Not probed back in before this time (grows while it keeps failing). */
  penaltyUntil: number;
  penaltyMs: number;
  readonly features: Map<string, FeatureOff>;
  lastError: string | null;
}

export function createEndpoint(config: EndpointConfig, index: number, maxConcurrency = 16): Endpoint {
  return {
    label: `${index}:${redactUrl(config.url)}`,
    url: config.url,
    priority: config.priority ?? 0,
    bucket: createTokenBucket(config.maxRps),
    concurrency: createAimd({ max: maxConcurrency, initial: Math.min(4, maxConcurrency) }),
    healthy: true,
    head: -1,
    latencyMs: 50,
    inFlight: 0,
    waiting: [],
    consecutiveFailures: 0,
    penaltyUntil: 0,
    penaltyMs: 0,
    features: new Map(),
    lastError: null,
  };
}

export interface EndpointStatus {
  label: string;
  priority: number;
  healthy: boolean;
  head: number;
  lag: number;
  latencyMs: number;
  consecutiveFailures: number;
  rateLimitRps: number | null;
  /** Current adaptive limit of requests in flight. */
  concurrency: number;
  lastError: string | null;
  /** Features this endpoint refused for good (until re-probed), with the node's reason. */
  featuresOff: { feature: string; reason: string; since: number; until: number }[];
}
