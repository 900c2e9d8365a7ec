import type { TokenMap, TokenTransfer, Transaction } from "../api/routes.ts";
import { formatTokenAmount } from "../format/tokens.ts";
import { formatEth } from "../format/units.ts";
import { HashLink, TokenLink } from "./common.tsx";

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

/**
 * Amounts use the token's decimals when query-api knows them (the `tokens` map), else base units, said so in
 * the cell. ERC-721 rows carry a token id and an amount of 1.
 */
export function TransferTable({
  transfers,
  caption,
  tokens,
  showToken = true,
}: {
  transfers: TokenTransfer[];
  caption: string;
  tokens?: TokenMap | undefined;
  showToken?: boolean;
}) {
  if (transfers.length === 0) return <p className="muted">No token transfers.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Standard</th>
            {showToken && <th scope="col">Token</th>}
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Token id</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody>
          {transfers.map((t) => {
            const meta = tokens?.[t.token];
            return (
              <tr key={`${t.transactionHash}:${t.logIndex}:${t.batchIndex}`}>
                <td>
                  <span className="badge">{t.standard.toUpperCase()}</span>
                </td>
                {showToken && (
                  <td>
                    <TokenLink address={t.token} token={meta} />
                  </td>
                )}
                <td>
                  <HashLink kind="address" value={t.from} />
                </td>
                <td>
                  <HashLink kind="address" value={t.to} />
                </td>
                <td
                  className="num mono"
                  data-raw={t.value}
                  title={
                    t.standard === "erc20"
                      ? formatTokenAmount(t.value, meta?.decimals, meta?.symbol)
                      : undefined
                  }
                >
                  {t.standard === "erc20"
                    ? formatTokenAmount(t.value, meta?.decimals, meta?.symbol, 6)
                    : formatTokenAmount(t.value, 0)}
                </td>
                <td className="mono">{t.tokenId ?? "—"}</td>
                <td>
                  <HashLink kind="tx" value={t.transactionHash} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
