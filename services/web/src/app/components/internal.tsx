import type { InternalTransaction } from "../api/routes.ts";
import { formatEth, formatInteger } from "../format/units.ts";
import {
  type Column,
  columnsOf,
  DataTable,
  hashColumn,
  type TableViewProps,
  transactionColumn,
} from "./data-table.tsx";

/** The call type, indented by the call's depth in the transaction. */
const callTypeColumn: Column<InternalTransaction> = {
  header: "Type",
  cell: (c) => (
    <span style={{ paddingLeft: `${Math.max(0, c.depth - 1)}em` }} className="mono">
      {c.callType}
    </span>
  ),
};

/** Why a call failed (its own error, or its caller's revert), else ok. */
const resultColumn: Column<InternalTransaction> = {
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
};

/**
 * Calls made inside transactions, from the node's call traces. Indented by depth on a transaction's page; with
 * the transaction beside each on an address's. A call that failed, or sits under one that did, moved nothing.
 */
export function InternalTable({
  calls,
  caption,
  showTransaction = false,
}: TableViewProps & { calls: InternalTransaction[] }) {
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
        showTransaction && transactionColumn(),
        callTypeColumn,
        hashColumn("From", "address", (c) => c.from),
        hashColumn("To", "address", (c) => c.to),
        {
          header: "Value",
          attributes: (c) => ({ "data-wei": c.value ?? "" }),
          cell: (c) => (c.value === null ? "—" : formatEth(c.value)),
        },
        { header: "Gas used", cell: (c) => (c.gasUsed === null ? "—" : formatInteger(c.gasUsed)) },
        resultColumn,
      )}
    />
  );
}
