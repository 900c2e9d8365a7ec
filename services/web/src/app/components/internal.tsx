import type { InternalTransaction } from "../api/routes.ts";
import { formatEth, formatInteger } from "../format/units.ts";
import { HashLink } from "./common.tsx";

/**
 * Calls made inside transactions, from the node's call traces. Indented by depth on a transaction's page; with
 * the transaction beside each on an address's. A call that failed, or sits under one that did, moved nothing.
 */
export function InternalTable({
  calls,
  caption,
  showTransaction = false,
}: {
  calls: InternalTransaction[];
  caption: string;
  showTransaction?: boolean;
}) {
  if (calls.length === 0) return <p className="muted">No internal transactions.</p>;
  return (
    <div className="table-wrap">
      <table data-testid="internal-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {showTransaction && <th scope="col">Transaction</th>}
            <th scope="col">Type</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Value</th>
            <th scope="col">Gas used</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c) => (
            <tr
              key={`${c.transactionHash}:${c.traceAddress.join(".")}`}
              data-trace-address={c.traceAddress.join(".")}
              className={c.status === 0 ? "failed" : undefined}
            >
              {showTransaction && (
                <td>
                  <HashLink kind="tx" value={c.transactionHash} />
                </td>
              )}
              <td>
                <span style={{ paddingLeft: `${Math.max(0, c.depth - 1)}em` }} className="mono">
                  {c.callType}
                </span>
              </td>
              <td>{c.from ? <HashLink kind="address" value={c.from} /> : "—"}</td>
              <td>{c.to ? <HashLink kind="address" value={c.to} /> : "—"}</td>
              <td data-wei={c.value ?? ""}>{c.value === null ? "—" : formatEth(c.value)}</td>
              <td>{c.gasUsed === null ? "—" : formatInteger(c.gasUsed)}</td>
              <td>
                {c.error ? (
                  <span className="badge fail" title={c.revertReason ?? c.error}>
                    {c.error}
                  </span>
                ) : c.status === 0 ? (
                  <span className="badge fail">reverted with its caller</span>
                ) : (
                  <span className="badge ok">ok</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
