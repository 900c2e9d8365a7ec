import type { InternalTransaction } from "../api/routes.ts";
import { formatEth, formatInteger } from "../format/units.ts";
import { columnsOf, DataTable, hashColumn } from "./data-table.tsx";

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
  return (
    <DataTable
      rows={calls}
      testId="internal-table"
      rowKey={(c) => `${c.transactionHash}:${c.traceAddress.join(".")}`}
      rowAttributes={(c) => ({
        "data-trace-address": c.traceAddress.join("."),
        className: c.status === 0 ? "failed" : undefined,
      })}
      caption={caption}
      empty="No internal transactions."
      columns={columnsOf<InternalTransaction>(
        showTransaction && hashColumn("Transaction", "tx", (c) => c.transactionHash),
        {
          header: "Type",
          cell: (c) => (
            <span style={{ paddingLeft: `${Math.max(0, c.depth - 1)}em` }} className="mono">
              {c.callType}
            </span>
          ),
        },
        hashColumn("From", "address", (c) => c.from),
        hashColumn("To", "address", (c) => c.to),
        {
          header: "Value",
          attributes: (c) => ({ "data-wei": c.value ?? "" }),
          cell: (c) => (c.value === null ? "—" : formatEth(c.value)),
        },
        { header: "Gas used", cell: (c) => (c.gasUsed === null ? "—" : formatInteger(c.gasUsed)) },
        {
          header: "Result",
          cell: (c) =>
            c.error ? (
              <span className="badge fail" title={c.revertReason ?? c.error}>
                {c.error}
              </span>
            ) : c.status === 0 ? (
              <span className="badge fail">reverted with its caller</span>
            ) : (
              <span className="badge ok">ok</span>
            ),
        },
      )}
    />
  );
}
