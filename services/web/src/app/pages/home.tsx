import { useEffect, useState } from "react";
import { api } from "../api/routes.ts";
import { LineChart } from "../components/chart.tsx";
import { ErrorView, HashLink, Loading } from "../components/common.tsx";
import { DailyStatsSection } from "../components/daily-stats.tsx";
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
        <div className="table-wrap">
          <table data-testid="latest-blocks">
            <caption className="sr-only">The ten newest blocks</caption>
            <thead>
              <tr>
                <th scope="col">Block</th>
                <th scope="col">Age</th>
                <th scope="col" className="num">
                  Transactions
                </th>
                <th scope="col" className="num">
                  Gas used
                </th>
                <th scope="col">Fee recipient</th>
              </tr>
            </thead>
            <tbody>
              {blocks.map((b) => (
                <tr key={b.hash}>
                  <td>
                    <HashLink kind="block" value={String(b.number)} />
                  </td>
                  <td>{formatAge(b.timestamp, now)}</td>
                  <td className="num">{b.transactionCount}</td>
                  <td className="num">
                    {formatInteger(b.gasUsed)}{" "}
                    <span className="muted">({formatPercent(b.gasUsed, b.gasLimit)})</span>
                  </td>
                  <td>
                    <HashLink kind="address" value={b.miner} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LiveFeed onBlock={(n) => head && n > head.number && refresh()} />
      {busy && (
        <section aria-labelledby="head-txs">
          <h2 id="head-txs">Latest transactions (block {busy.number})</h2>
          {headTxs.error && <ErrorView error={headTxs.error} what="transactions" retry={headTxs.reload} />}
          {headTxs.data && (
            <TransactionTable
              transactions={headTxs.data.items}
              caption={`Transactions in block ${busy.number}`}
              showBlock={false}
            />
          )}
        </section>
      )}
      <DailyStatsSection />
      <LakeModelsSection />
    </>
  );
}
