import { Counter, Gauge, Histogram, type Registry } from "@chainlog/telemetry";

export type ProcessorMetrics = ReturnType<typeof createProcessorMetrics>;

export function createProcessorMetrics(registry: Registry) {
  const registers = [registry];
  return {
    blocks: new Counter({
      name: "chainlog_processor_blocks_total",
      help: "Blocks written to the store",
      registers,
    }),
    rollbacks: new Counter({
      name: "chainlog_processor_rollbacks_total",
      help: "Blocks rolled back (reorgs)",
      registers,
    }),
    events: new Counter({
      name: "chainlog_processor_decoded_events_total",
      help: "Decoded events by kind",
      labelNames: ["kind"] as const,
      registers,
    }),
    skippedLogs: new Counter({
      name: "chainlog_processor_skipped_logs_total",
      help: "Logs with a known event signature but a malformed body, by event",
      labelNames: ["reason"] as const,
      registers,
    }),
    enrichmentFailures: new Counter({
      name: "chainlog_processor_enrichment_failures_total",
      help: "Blocks enriched without a part the node could not give (off or failed: traces, tokens, pools, balances)",
      labelNames: ["step"] as const,
      registers,
    }),
    enrichedBlocks: new Counter({
      name: "chainlog_processor_enriched_blocks_total",
      help: "Blocks the enrichment stage finished (marked enriched in the store)",
      registers,
    }),
    enrichSeconds: new Histogram({
      name: "chainlog_processor_enrich_seconds",
      help: "Duration of one enrichment batch (RPC reads and the store write)",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    enrichLag: new Gauge({
      name: "chainlog_processor_enrich_lag",
      help: "Messages on the enrich topic not yet done by the enricher group",
      registers,
    }),
    enrichedLastBlock: new Gauge({
      name: "chainlog_processor_enriched_last_block_number",
      help: "Highest block number of the enrichment stage's last batch",
      registers,
    }),
    fencedMessages: new Counter({
      name: "chainlog_processor_fenced_messages_total",
      help: "Block-topic messages dropped because an older ingest leader token came after a newer one (a deposed leader's late write)",
      labelNames: ["chain"] as const,
      registers,
    }),
    invalidMessages: new Counter({
      name: "chainlog_processor_invalid_messages_total",
      help: "Bus messages that failed schema validation and were parked",
      registers,
    }),
    writeSeconds: new Histogram({
      name: "chainlog_processor_store_write_seconds",
      help: "Duration of one store write (several blocks)",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchBlocks: new Histogram({
      name: "chainlog_processor_blocks_per_write",
      help: "Blocks per store write",
      buckets: [1, 2, 5, 10, 25, 50, 100, 250],
      registers,
    }),
    lag: new Gauge({
      name: "chainlog_processor_consumer_lag",
      help: "Messages on the blocks topic not yet committed by the processor group",
      registers,
    }),
    blocksPerSecond: new Gauge({
      name: "chainlog_processor_blocks_per_second",
      help: "Blocks written per second over the last sampling window",
      registers,
    }),
    lastBlock: new Gauge({
      name: "chainlog_processor_last_block_number",
      help: "Highest block number written",
      registers,
    }),
    lastProgress: new Gauge({
      name: "chainlog_processor_last_progress_timestamp_seconds",
      help: "When the processor last committed a batch",
      registers,
    }),
  };
}
