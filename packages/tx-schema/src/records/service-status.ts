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

/** A feature no endpoint in rotation serves (it answered permanently no), and when it is asked again. */
export const FeatureOffStatus = z.object({
  feature: z.string().max(100),
  reason: z.string().max(500),
  until: SafeInt,
});
export type FeatureOffStatus = z.infer<typeof FeatureOffStatus>;

/** Permanent RPC answers so far (never retried), per method and kind. */
export const PermanentErrorStatus = z.object({
  method: z.string().max(100),
  kind: z.enum(["unsupported", "missing-state", "reverted", "invalid-params"]),
  count: SafeInt,
  lastMessage: z.string().max(500),
});
export type PermanentErrorStatus = z.infer<typeof PermanentErrorStatus>;

/** The fields every service's report starts with (spread first, so they lead in the record and the document). */
const reportOf = <S extends string>(service: S) => ({
  service: z.literal(service),
  /** Pod or process that reported; several replicas may each report. */
  instance: z.string().min(1).max(200),
  /** Milliseconds since epoch of this report; a report older than a few intervals means the reporter is gone. */
  updatedAt: SafeInt,
});

export const IngestStatus = z.object({
  ...reportOf("ingest"),
  // several ingest replicas each report; one leads
  leader: z.boolean(),
  /** Best head of the pool, and the highest block published to the bus. */
  head: SafeInt.nullable(),
  published: SafeInt.nullable(),
  /** head − published. */
  lagBlocks: SafeInt.nullable(),
  failovers: SafeInt,
  lastProgressAt: SafeInt,
  endpoints: z.array(EndpointHealth).max(64),
  /** Why ingest is not advancing right now (e.g. the start block's parent cannot be fetched); null when it is. */
  blockedBy: z.string().max(500).nullable().optional(),
  featuresOff: z.array(FeatureOffStatus).max(64).optional(),
  permanentErrors: z.array(PermanentErrorStatus).max(64).optional(),
});
export type IngestStatus = z.infer<typeof IngestStatus>;

/** Whether call traces (internal transactions, contracts created by contracts) are being read, and if not why. */
export const TracesStatus = z.object({
  on: z.boolean(),
  /** Why they are off: turned off in the configuration, no node to ask, or the node's refusal (no tracer). */
  reason: z.string().max(500).nullable(),
});
export type TracesStatus = z.infer<typeof TracesStatus>;

export const ProcessorStatus = z.object({
  ...reportOf("processor"),
  /** Highest block this instance wrote. */
  lastBlock: SafeInt.nullable(),
  /** Messages of the blocks topic not yet committed by the consumer group. */
  consumerLag: SafeInt.nullable(),
  blocksPerSecond: z.number().nonnegative(),
  rollbacks: SafeInt,
  lastProgressAt: SafeInt,
  /**
   * Contiguous heights, from the lowest stored block: every block below `raw` is stored, every block below
   * `enriched` is enriched too. Beside them the highest stored block.
   */
  heights: z
    .object({ lowest: SafeInt, raw: SafeInt, enriched: SafeInt, highest: SafeInt })
    .nullable()
    .optional(),
  /** The enrichment stage (traces, token metadata, pools, prices, balances); null when it is not run here. */
  enrichment: z
    .object({
      /** Messages of the enrich topic not yet done by the enricher group. */
      lag: SafeInt.nullable(),
      blocks: SafeInt,
      blocksPerSecond: z.number().nonnegative(),
      lastProgressAt: SafeInt,
      featuresOff: z.array(FeatureOffStatus).max(64),
      permanentErrors: z.array(PermanentErrorStatus).max(64),
      traces: TracesStatus.optional(),
    })
    .nullable()
    .optional(),
});
export type ProcessorStatus = z.infer<typeof ProcessorStatus>;

/** The lake sink (packages/lake): final blocks written as Parquet, and how far behind the final height it is. */
export const LakeStatus = z.object({
  ...reportOf("lake"),
  /** Where the lake is (a directory, or s3://bucket/prefix). */
  location: z.string().max(500),
  /** Confirmations below the newest stored block after which a block counts as final and is written. */
  confirmations: SafeInt,
  /** Highest block whose rows are in the lake (null before the first). */
  written: SafeInt.nullable(),
  /** Highest final (and enriched) block the lake could hold now. */
  finalHeight: SafeInt.nullable(),
  /** finalHeight − written: final blocks not yet in the lake. */
  lagBlocks: SafeInt.nullable(),
  /** Messages of the processed topic not yet committed by the lake group. */
  consumerLag: SafeInt.nullable(),
  blocksPerSecond: z.number().nonnegative(),
  lastProgressAt: SafeInt,
});
export type LakeStatus = z.infer<typeof LakeStatus>;

/** What ingest, processor and lake instances report every few seconds, for the pipeline status page. */
export const ServiceStatus = z.discriminatedUnion("service", [IngestStatus, ProcessorStatus, LakeStatus]);
export type ServiceStatus = z.infer<typeof ServiceStatus>;
