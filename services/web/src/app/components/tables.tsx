import type { TokenTransfer, Transaction } from "../api/routes.ts";
import { formatEth, formatInteger } from "../format/units.ts";
import { HashLink } from "./common.tsx";

export function TransactionTable({
  transactions,
  caption,
  showBlock = true,
}: {
  transactions: Transaction[];
  caption: string;
  showBlock?: boolean;
}) {
  if (transactions.length === 0) return <p className="muted">No transactions.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Hash</th>
            {showBlock && <th scope="col">Block</th>}
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col" className="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {transactions.map((tx) => (
            <tr key={tx.hash}>
              <td>
                <HashLink kind="tx" value={tx.hash} />
              </td>
              {showBlock && (
                <td>
                  <HashLink kind="block" value={String(tx.blockNumber)} />
                </td>
              )}
              <td>
                <HashLink kind="address" value={tx.from} />
              </td>
              <td>
                {tx.to ? <HashLink kind="address" value={tx.to} /> : <span className="badge">create</span>}
              </td>
              <td className="num">{formatEth(tx.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Token amounts are shown in base units: decimals live in the token contract, which the API may not report. */
export function TransferTable({ transfers, caption }: { transfers: TokenTransfer[]; caption: string }) {
  if (transfers.length === 0) return <p className="muted">No token transfers.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Standard</th>
            <th scope="col">Token</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col" className="num">
              Amount (base units)
            </th>
            <th scope="col">Token id</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody>
          {transfers.map((t) => (
            <tr key={`${t.transactionHash}:${t.logIndex}:${t.batchIndex}`}>
              <td>
                <span className="badge">{t.standard.toUpperCase()}</span>
              </td>
              <td>
                <HashLink kind="address" value={t.token} />
              </td>
              <td>
                <HashLink kind="address" value={t.from} />
              </td>
              <td>
                <HashLink kind="address" value={t.to} />
              </td>
              <td className="num mono">{formatInteger(t.value)}</td>
              <td className="mono">{t.tokenId ?? "—"}</td>
              <td>
                <HashLink kind="tx" value={t.transactionHash} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
