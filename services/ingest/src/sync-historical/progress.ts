import type { Logger } from "@chainlog/telemetry";
import type { IngestMetrics } from "../ingest-metrics.ts";

/** Rates and ETA in logs and metrics every interval, plus a one-line bar when stderr is a terminal. */
export function createProgress(options: { logger: Logger; metrics: IngestMetrics; intervalMs: number }) {
  const { logger, metrics } = options;
  const tty = process.stderr.isTTY === true;
  let timer: NodeJS.Timeout | undefined;
  let startBlock = 0;
  let targetBlock = 0;
  let tip = -1;
  let blocks = 0;
  let txs = 0;
  let lastAt = performance.now();
  let lastBlocks = 0;
  let lastTxs = 0;

  const report = () => {
    const now = performance.now();
    const secs = Math.max(0.001, (now - lastAt) / 1000);
    const bps = (blocks - lastBlocks) / secs;
    const tps = (txs - lastTxs) / secs;
    const remaining = Math.max(0, targetBlock - tip);
    const eta = bps > 0 ? remaining / bps : remaining === 0 ? 0 : -1;
    metrics.blocksPerSecond.set(bps);
    metrics.txPerSecond.set(tps);
    metrics.etaSeconds.set(eta);
    lastAt = now;
    lastBlocks = blocks;
    lastTxs = txs;
    if (blocks === 0 && remaining === 0) return;
    if (remaining > 0 || bps > 0)
      logger.info(
        {
          tip,
          target: targetBlock,
          blocksPerSecond: Math.round(bps),
          txPerSecond: Math.round(tps),
          etaSeconds: Math.round(eta),
        },
        "ingest progress",
      );
    if (tty && targetBlock > startBlock) {
      const done = Math.min(1, (tip - startBlock + 1) / (targetBlock - startBlock + 1));
      const bar = "#".repeat(Math.round(done * 30)).padEnd(30, ".");
      process.stderr.write(
        `\r[${bar}] ${tip}/${targetBlock} ${Math.round(bps)} blk/s ${Math.round(tps)} tx/s ETA ${Math.round(eta)}s  `,
      );
    }
  };

  return {
    start(from: number) {
      startBlock = from;
      timer = setInterval(report, options.intervalMs);
      timer.unref();
    },
    target(n: number) {
      targetBlock = n;
    },
    advance(b: number, t: number, newTip: number) {
      blocks += b;
      txs += t;
      tip = newTip;
    },
    stop() {
      if (timer) clearInterval(timer);
      if (tty) process.stderr.write("\n");
    },
  };
}
