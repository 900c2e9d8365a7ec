import type { ReactNode, TdHTMLAttributes } from "react";
import { HashLink } from "./common.tsx";

/** Attributes a cell or row may carry besides its content: classes, tooltips and the data-* the tests read. */
type Attributes = Omit<TdHTMLAttributes<HTMLElement>, "children"> & Record<`data-${string}`, string | number>;

/** One column: its header, how a row fills its cell, and whether it holds numbers (right-aligned). */
export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
  num?: boolean;
  /** Classes of the cells besides `num` (e.g. "mono"). */
  className?: string;
  /** Per-row attributes of the cell (a `className` here replaces the column's). */
  attributes?(row: T): Attributes;
}

/** Leaves out the columns a view does not show: `[a, show && b]`. */
export function columnsOf<T>(...columns: (Column<T> | false | undefined)[]): Column<T>[] {
  return columns.filter((c): c is Column<T> => Boolean(c));
}

/** A column of links to a tx, block or address page; `fallback` fills the cell where the row has none. */
export function hashColumn<T>(
  header: string,
  kind: "tx" | "block" | "address",
  value: (row: T) => string | number | null,
  fallback: ReactNode = "—",
): Column<T> {
  return {
    header,
    cell: (row) => {
      const v = value(row);
      return v === null ? fallback : <HashLink kind={kind} value={String(v)} />;
    },
  };
}

/** The column linking each row to the transaction it came from (on pages that list several transactions). */
export function transactionColumn<T extends { transactionHash: string }>(): Column<T> {
  return hashColumn("Transaction", "tx", (row) => row.transactionHash);
}

/** The key of a row decoded from one log: a log is one per transaction and log index. */
export function logRowKey(row: { transactionHash: string; logIndex: number }): string {
  return `${row.transactionHash}:${row.logIndex}`;
}

/** What a table of one kind of row takes besides the rows: its caption and whether to link each row's transaction. */
export interface TableViewProps {
  caption: string;
  showTransaction?: boolean;
}

function classes(...names: (string | undefined | false)[]): string | undefined {
  const joined = names.filter(Boolean).join(" ");
  return joined || undefined;
}

/**
 * The one table frame: a scrollable wrapper, a caption (for screen readers unless `captionShown`), a header row
 * from the columns, a row per item, and a muted line instead of the table when there are no rows and `empty`
 * says what to write (without `empty` an empty table is still drawn).
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  caption,
  captionShown = false,
  empty,
  testId,
  rowAttributes,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey(row: T): string;
  caption: ReactNode;
  captionShown?: boolean;
  empty?: ReactNode;
  testId?: string;
  rowAttributes?(row: T): Attributes;
}) {
  if (rows.length === 0 && empty !== undefined) return <p className="muted">{empty}</p>;
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <caption className={captionShown ? undefined : "sr-only"}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.num ? "num" : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowAttributes?.(row)}>
              {columns.map((c) => (
                <td key={c.header} className={classes(c.num && "num", c.className)} {...c.attributes?.(row)}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
