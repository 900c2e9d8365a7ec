import type { AddressHolding, NftHolding } from "@chainlog/tx-schema";
import type { AddressBalances } from "../api/routes.ts";
import { formatPrice, formatTokenAmount, formatUsd } from "../format/tokens.ts";
import { Link } from "../router.tsx";
import { TokenLink } from "./common.tsx";
import { columnsOf, DataTable } from "./data-table.tsx";
import { HoldingAsset, holdingBalance } from "./holdings.tsx";

type BalanceRow = { kind: "holding"; h: AddressHolding } | { kind: "nft"; n: NftHolding };

/** The token's balanceOf as the node answered it; ETH comes from the node anyway, so it needs none. */
function confirmedHolding(h: AddressHolding): string {
  if (h.confirmed)
    return h.decimals === null ? h.confirmed.balance : formatTokenAmount(h.confirmed.balance, h.decimals);
  return h.source === "node" ? "" : "—";
}

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
      {indexed?.pending && (
        <p className="notice info" data-testid="balances-backfill">
          Older blocks {indexed.pending.fromBlock}–{indexed.pending.toBlock} are still being backfilled: their
          transfers are not all counted yet.
        </p>
      )}
      {balances.truncated && (
        <p className="notice info">
          This address has more transfers than one page sums: holdings are a lower bound.
        </p>
      )}
      <DataTable
        rows={[
          ...holdings.map((h): BalanceRow => ({ kind: "holding", h })),
          ...nfts.map((n): BalanceRow => ({ kind: "nft", n })),
        ]}
        testId="balances"
        rowKey={(r) => (r.kind === "holding" ? r.h.token : `${r.n.token}:${r.n.tokenId}`)}
        rowAttributes={(r) => ({ "data-token": r.kind === "holding" ? r.h.token : r.n.token })}
        caption={`Balances of ${balances.address}`}
        empty="No balances."
        columns={columnsOf<BalanceRow>(
          {
            header: "Asset",
            cell: (r) =>
              r.kind === "holding" ? (
                <HoldingAsset holding={r.h} />
              ) : (
                <>
                  <TokenLink address={r.n.token} token={r.n} />{" "}
                  <span className="badge">{r.n.standard.toUpperCase()}</span>{" "}
                  <span className="mono">#{r.n.tokenId}</span>
                </>
              ),
          },
          {
            ...holdingBalance,
            cell: (r) => (r.kind === "holding" ? holdingBalance.cell(r.h) : r.n.balance),
            attributes: (r) => (r.kind === "holding" ? holdingBalance.attributes(r.h) : {}),
          },
          {
            header: "Value (USD)",
            num: true,
            cell: (r) => (r.kind === "holding" ? formatUsd(r.h.valueUsd) : "—"),
          },
          {
            header: "From",
            cell: (r) =>
              r.kind === "holding" ? (
                <>
                  {r.h.source === "node" ? "node" : "transfers"}, block{" "}
                  <Link href={`/block/${r.h.blockNumber}`}>{r.h.blockNumber}</Link>
                </>
              ) : (
                "transfers"
              ),
          },
          confirmed && {
            header: "Node (balanceOf)",
            num: true,
            attributes: () => ({ "data-field": "confirmed" }),
            cell: (r) => (r.kind === "holding" ? confirmedHolding(r.h) : (r.n.confirmed?.balance ?? "—")),
          },
        )}
      />
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
