import { api, type DailyStats } from "../api/routes.ts";
import { compact, dailySeries } from "../format/series.ts";
import { formatEth, formatInteger } from "../format/units.ts";
import { useResource } from "../hooks/use-resource.ts";
import { LineChart } from "./chart.tsx";
import { columnsOf, DataTable } from "./data-table.tsx";

/** The last 30 UTC days of chain activity; hidden when query-api has no daily stats (older versions). */
export function DailyStatsSection() {
  const stats = useResource((signal) => api.dailyStats(signal), "daily", { pollMs: 60_000 });
  const items = stats.data?.items ?? [];
  if (items.length === 0) return null;
  const series = dailySeries(items);
  const recent = [...items].sort((a, b) => b.day.localeCompare(a.day)).slice(0, 7);
  return (
    <section aria-labelledby="daily-h">
      <h2 id="daily-h">Daily activity (UTC days)</h2>
      {items.length > 1 && (
        <div className="charts">
          <LineChart
            title="Transactions per day"
            points={series.transactions}
            format={compact}
            unit="days"
            empty="One day so far."
          />
          <LineChart
            title="Active addresses per day"
            points={series.activeAddresses}
            format={compact}
            unit="days"
            empty="One day so far."
          />
          <LineChart
            title="Fees per day (ETH)"
            points={series.feesEth}
            format={compact}
            unit="days"
            empty="One day so far."
          />
        </div>
      )}
      <DataTable
        rows={recent}
        testId="daily-stats"
        rowKey={(d) => `${d.chainId}:${d.day}`}
        caption="Chain activity of the last seven days"
        columns={columnsOf<DailyStats>(
          { header: "Day", cell: (d) => d.day },
          { header: "Blocks", num: true, cell: (d) => formatInteger(d.blocks) },
          { header: "Transactions", num: true, cell: (d) => formatInteger(d.transactions) },
          { header: "Active addresses", num: true, cell: (d) => formatInteger(d.activeAddresses) },
          { header: "Gas used", num: true, cell: (d) => formatInteger(d.gasUsed) },
          { header: "Fees", num: true, cell: (d) => formatEth(d.fees) },
        )}
      />
    </section>
  );
}
