import type { AddressBalances } from "../api/routes.ts";
import { formatPrice, formatTokenAmount, formatUsd, NATIVE_ASSET, trimDecimal } from "../format/tokens.ts";
import { groupThousands } from "../format/units.ts";
import { Link } from "../router.tsx";
import { TokenLink } from "./common.tsx";

/**
 * Balances of any address: ETH as the node has it now, tokens as the indexed transfers sum them (with the range
 * they cover), and, once asked for, each token's balanceOf at the node's block beside it.
 */
export function BalancesView({
  balances,
  onConfirm,
  confirming,
}: {
  balances: AddressBalances;
  onConfirm?: () => void;
  confirming?: boolean;
}) {
  const { holdings, nfts, indexed } = balances;
  const confirmed =
    holdings.some((h) => h.confirmed !== undefined) || nfts.some((n) => n.confirmed !== undefined);
  return (
    <>
      <p>
        Total value: <strong data-testid="balances-total">{formatUsd(balances.totalUsd)}</strong>
        {balances.ethUsd !== null && (
          <span className="muted"> · ETH at {formatPrice(balances.ethUsd, "USD")}</span>
        )}
      </p>
      {indexed && !indexed.fromGenesis && (
        <p className="notice info" data-testid="balances-since">
          Token holdings are summed from the transfers indexed{" "}
          <strong>since block {indexed.fromBlock}</strong> (up to block{" "}
          <Link href={`/block/${indexed.toBlock}`}>{indexed.toBlock}</Link>): tokens received before it are
          missing{confirmed ? "" : "; confirm them with the node below"}.
        </p>
      )}
      {balances.truncated && (
        <p className="notice info">
          This address has more transfers than one page sums: holdings are a lower bound.
        </p>
      )}
      {holdings.length === 0 && nfts.length === 0 ? (
        <p className="muted">No balances.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="balances">
            <caption className="sr-only">Balances of {balances.address}</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col" className="num">
                  Balance
                </th>
                <th scope="col" className="num">
                  Value (USD)
                </th>
                <th scope="col">From</th>
                {confirmed && (
                  <th scope="col" className="num">
                    Node (balanceOf)
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {holdings.map((h) => {
                const exact = h.amount === null ? null : groupThousands(h.amount);
                return (
                  <tr key={h.token} data-token={h.token}>
                    <td>
                      <TokenLink address={h.token} token={h} />
                      {h.name && h.token !== NATIVE_ASSET && <span className="muted"> {h.name}</span>}
                    </td>
                    <td className="num" title={exact ?? undefined} data-raw={h.balance}>
                      {exact === null ? formatTokenAmount(h.balance, null) : trimDecimal(exact)}
                    </td>
                    <td className="num">{formatUsd(h.valueUsd)}</td>
                    <td>
                      {h.source === "node" ? "node" : "transfers"}, block{" "}
                      <Link href={`/block/${h.blockNumber}`}>{h.blockNumber}</Link>
                    </td>
                    {confirmed && (
                      <td className="num" data-field="confirmed">
                        {h.confirmed
                          ? h.decimals === null
                            ? h.confirmed.balance
                            : formatTokenAmount(h.confirmed.balance, h.decimals)
                          : h.source === "node"
                            ? ""
                            : "—"}
                      </td>
                    )}
                  </tr>
                );
              })}
              {nfts.map((n) => (
                <tr key={`${n.token}:${n.tokenId}`} data-token={n.token}>
                  <td>
                    <TokenLink address={n.token} token={n} />{" "}
                    <span className="badge">{n.standard.toUpperCase()}</span>{" "}
                    <span className="mono">#{n.tokenId}</span>
                  </td>
                  <td className="num">{n.balance}</td>
                  <td className="num">—</td>
                  <td>transfers</td>
                  {confirmed && (
                    <td className="num" data-field="confirmed">
                      {n.confirmed ? n.confirmed.balance : "—"}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {onConfirm && !confirmed && (
        <p>
          <button type="button" onClick={onConfirm} disabled={confirming}>
            {confirming ? "Asking the node…" : "Confirm token balances with the node"}
          </button>
        </p>
      )}
    </>
  );
}
