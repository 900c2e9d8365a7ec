import { api } from "../api/routes.ts";
import { compact, dailySeries } from "../format/series.ts";
import { formatEth, formatInteger } from "../format/units.ts";
import { useResource } from "../hooks/use-resource.ts";
import { LineChart } from "./chart.tsx";

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
      <div className="table-wrap">
        <table data-testid="daily-stats">
          <caption className="sr-only">Chain activity of the last seven days</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" className="num">
                Blocks
              </th>
              <th scope="col" className="num">
                Transactions
              </th>
              <th scope="col" className="num">
                Active addresses
              </th>
              <th scope="col" className="num">
                Gas used
              </th>
              <th scope="col" className="num">
                Fees
              </th>
            </tr>
          </thead>
          <tbody>
            {recent.map((d) => (
              <tr key={`${d.chainId}:${d.day}`}>
                <td>{d.day}</td>
                <td className="num">{formatInteger(d.blocks)}</td>
                <td className="num">{formatInteger(d.transactions)}</td>
                <td className="num">{formatInteger(d.activeAddresses)}</td>
                <td className="num">{formatInteger(d.gasUsed)}</td>
                <td className="num">{formatEth(d.fees)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
