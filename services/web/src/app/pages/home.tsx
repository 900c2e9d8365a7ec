import { useEffect, useState } from "react";
import { api, type Block } from "../api/routes.ts";
import { LineChart } from "../components/chart.tsx";
import { ErrorView, Loading, Section } from "../components/common.tsx";
import { DailyStatsSection } from "../components/daily-stats.tsx";
import { columnsOf, DataTable, hashColumn } from "../components/data-table.tsx";
import { LakeModelsSection } from "../components/lake-models.tsx";
import { LiveFeed } from "../components/live-feed.tsx";
import { TransactionTable } from "../components/tables.tsx";
import { blockSeries, compact } from "../format/series.ts";
import { formatAge, formatInteger, formatPercent } from "../format/units.ts";
import { useLatestBlocks } from "../hooks/use-latest-blocks.ts";
import { useResource } from "../hooks/use-resource.ts";

const POLL_MS = 2000;
/** Blocks behind the charts; the table shows the newest ten of them. */
const CHART_BLOCKS = 30;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now() / 1000), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export default function HomePage() {
  const { blocks: recent, error, refresh } = useLatestBlocks(CHART_BLOCKS, POLL_MS);
  const blocks = recent.slice(0, 10);
  const series = blockSeries(recent);
  const now = useNow(1000);
  const head = blocks[0];
  // On a quiet chain the head is often empty: show the newest block that has transactions.
  const busy = recent.find((b) => b.transactionCount > 0);
  const headTxs = useResource(
    (signal) => (busy ? api.blockTransactions(busy.number, 10, null, signal) : Promise.resolve(null)),
    busy?.hash ?? "",
  );

  return (
    <>
      <h1>Latest blocks</h1>
      <p className="muted" aria-live="polite">
        {head ? `Head: block ${head.number}, refreshed every ${POLL_MS / 1000} s.` : ""}
      </p>
      {error && <ErrorView error={error} what="latest blocks" />}
      {!head && !error && <Loading what="latest blocks" />}
      {recent.length > 1 && (
        <section className="charts" aria-label="Chain activity over the latest blocks">
          <LineChart title="Transactions per second" points={series.txPerSecond} format={compact} />
          <LineChart title="Gas used per block" points={series.gasUsed} format={compact} />
          <LineChart title="Base fee (gwei)" points={series.baseFeeGwei} format={compact} />
        </section>
      )}
      {blocks.length > 0 && (
        <DataTable
          rows={blocks}
          testId="latest-blocks"
          rowKey={(b) => b.hash}
          caption="The ten newest blocks"
          columns={columnsOf<Block>(
            hashColumn("Block", "block", (b) => b.number),
            { header: "Age", cell: (b) => formatAge(b.timestamp, now) },
            { header: "Transactions", num: true, cell: (b) => b.transactionCount },
            {
              header: "Gas used",
              num: true,
              cell: (b) => (
                <>
                  {formatInteger(b.gasUsed)}{" "}
                  <span className="muted">({formatPercent(b.gasUsed, b.gasLimit)})</span>
                </>
              ),
            },
            hashColumn("Fee recipient", "address", (b) => b.miner),
          )}
        />
      )}
      <LiveFeed onBlock={(n) => head && n > head.number && refresh()} />
      {busy && (
        <Section id="head-txs" title={`Latest transactions (block ${busy.number})`}>
          {headTxs.error && <ErrorView error={headTxs.error} what="transactions" retry={headTxs.reload} />}
          {headTxs.data && (
            <TransactionTable
              transactions={headTxs.data.items}
              caption={`Transactions in block ${busy.number}`}
              showBlock={false}
            />
          )}
        </Section>
      )}
      <DailyStatsSection />
      <LakeModelsSection />
    </>
  );
}
