import { z } from "zod";
import { SafeInt } from "./primitives.ts";

/** One RPC endpoint as ingest sees it. `label` is the redacted URL (no keys, no credentials). */
export const EndpointHealth = z.object({
  label: z.string().max(300),
  priority: SafeInt,
  healthy: z.boolean(),
  head: SafeInt,
  /** Blocks behind the best head of the pool. */
  lag: SafeInt,
  latencyMs: z.number().nonnegative(),
  consecutiveFailures: SafeInt,
  rateLimitRps: z.number().nonnegative().nullable(),
  lastError: z.string().max(500).nullable(),
});
export type EndpointHealth = z.infer<typeof EndpointHealth>;

export const IngestStatus = z.object({
  service: z.literal("ingest"),
  /** Pod or process that reported; several replicas each report (one leads). */
  instance: z.string().min(1).max(200),
  /** Milliseconds since epoch of this report; a report older than a few intervals means the reporter is gone. */
  updatedAt: SafeInt,
  leader: z.boolean(),
  /** Best head of the pool, and the highest block published to the bus. */
  head: SafeInt.nullable(),
  published: SafeInt.nullable(),
  /** head − published. */
  lagBlocks: SafeInt.nullable(),
  failovers: SafeInt,
  lastProgressAt: SafeInt,
  endpoints: z.array(EndpointHealth).max(64),
});
export type IngestStatus = z.infer<typeof IngestStatus>;

export const ProcessorStatus = z.object({
  service: z.literal("processor"),
  instance: z.string().min(1).max(200),
  updatedAt: SafeInt,
  /** Highest block this instance wrote. */
  lastBlock: SafeInt.nullable(),
  /** Messages of the blocks topic not yet committed by the consumer group. */
  consumerLag: SafeInt.nullable(),
  blocksPerSecond: z.number().nonnegative(),
  rollbacks: SafeInt,
  lastProgressAt: SafeInt,
});
export type ProcessorStatus = z.infer<typeof ProcessorStatus>;

/** What ingest and processor instances report every few seconds, for the pipeline status page. */
export const ServiceStatus = z.discriminatedUnion("service", [IngestStatus, ProcessorStatus]);
export type ServiceStatus = z.infer<typeof ServiceStatus>;
