import { Counter, Gauge, type Registry } from "@chainlog/telemetry";

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

export function createIngestMetrics(registry: Registry) {
  const r = [registry];
  return {
    blocks: new Counter({ name: "chainlog_ingest_blocks_total", help: "Blocks published", registers: r }),
    transactions: new Counter({
      name: "chainlog_ingest_transactions_total",
      help: "Transactions published",
      registers: r,
    }),
    rollbacks: new Counter({
      name: "chainlog_ingest_rollbacks_total",
      help: "Rollback envelopes published (one per orphaned block)",
      registers: r,
    }),
    reorgs: new Counter({ name: "chainlog_ingest_reorgs_total", help: "Reorgs repaired", registers: r }),
    invalidLinks: new Counter({
      name: "chainlog_ingest_invalid_links_total",
      help: "Blocks refused because their parent hash did not match the canonical parent",
      registers: r,
    }),
    publishErrors: new Counter({
      name: "chainlog_ingest_publish_errors_total",
      help: "Failed sink publications (retried)",
      registers: r,
    }),
    tip: new Gauge({
      name: "chainlog_ingest_tip_block",
      help: "Newest block acknowledged by the sink",
      registers: r,
    }),
    head: new Gauge({
      name: "chainlog_ingest_head_block",
      help: "Best head among healthy endpoints",
      registers: r,
    }),
    lag: new Gauge({ name: "chainlog_ingest_lag_blocks", help: "Head minus tip", registers: r }),
    lastProgress: new Gauge({
      name: "chainlog_ingest_last_progress_timestamp_seconds",
      help: "When a block was last published",
      registers: r,
    }),
    blocksPerSecond: new Gauge({
      name: "chainlog_ingest_blocks_per_second",
      help: "Recent publication rate",
      registers: r,
    }),
    txPerSecond: new Gauge({
      name: "chainlog_ingest_transactions_per_second",
      help: "Recent publication rate",
      registers: r,
    }),
    etaSeconds: new Gauge({
      name: "chainlog_ingest_eta_seconds",
      help: "Estimated time to reach the target",
      registers: r,
    }),
    concurrency: new Gauge({
      name: "chainlog_ingest_fetch_concurrency",
      help: "Current AIMD limit of batches in flight",
      registers: r,
    }),
    inFlight: new Gauge({
      name: "chainlog_ingest_batches_in_flight",
      help: "Fetched or fetching batches",
      registers: r,
    }),
    // The leader lease (see leader/): set by the election, whichever term's ingest runs.
    leader: new Gauge({
      name: "chainlog_ingest_leader",
      help: "1 while this ingest holds the leader lease and publishes, 0 as a standby",
      registers: r,
    }),
    leaderToken: new Gauge({
      name: "chainlog_ingest_leader_token",
      help: "Fencing token of the lease term this ingest last held",
      registers: r,
    }),
    leaderTerms: new Counter({
      name: "chainlog_ingest_leader_terms_total",
      help: "Lease terms won",
      registers: r,
    }),
  };
}
