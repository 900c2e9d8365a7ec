import type { EndpointConfig } from "@chainlog/runtime-config";
import { redactUrl } from "@chainlog/telemetry";
import { createTokenBucket, type TokenBucket } from "./token-bucket.ts";

/** Mutable health state of one endpoint; owned by the pool. */
export interface Endpoint {
  /** Index-based id plus the redacted URL: safe for logs and metric labels. */
  readonly label: string;
  readonly url: string;
  readonly priority: number;
  readonly bucket: TokenBucket;
  healthy: boolean;
  /** Latest block number it reported; -1 before the first health check. */
  head: number;
  /** Exponentially weighted round-trip time. */
  latencyMs: number;
  inFlight: number;
  consecutiveFailures: number;
  /** Not probed back in before this time (grows while it keeps failing). */
  penaltyUntil: number;
  penaltyMs: number;
  supportsBlockReceipts: boolean | undefined;
  lastError: string | null;
}

export function createEndpoint(config: EndpointConfig, index: number): Endpoint {
  return {
    label: `${index}:${redactUrl(config.url)}`,
    url: config.url,
    priority: config.priority ?? 0,
    bucket: createTokenBucket(config.maxRps),
    healthy: true,
    head: -1,
    latencyMs: 50,
    inFlight: 0,
    consecutiveFailures: 0,
    penaltyUntil: 0,
    penaltyMs: 0,
    supportsBlockReceipts: undefined,
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
  lastError: string | null;
}
