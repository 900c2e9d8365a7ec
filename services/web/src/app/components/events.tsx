import type { Approval, ContractCreation, Swap, TokenMap, WethEvent } from "../api/routes.ts";
import { formatRatio, formatTokenAmount, swapSides, tokenIn, tokenLabel } from "../format/tokens.ts";
import { HashLink, TokenLink } from "./common.tsx";
import {
  type Column,
  columnsOf,
  DataTable,
  hashColumn,
  logRowKey,
  type TableViewProps,
  transactionColumn,
} from "./data-table.tsx";

const MAX_UINT256 = (2n ** 256n - 1n).toString();

function Amount({
  raw,
  token,
  tokens,
}: {
  raw: string;
  token: string | null;
  tokens?: TokenMap | undefined;
}) {
  const meta = token ? tokenIn(tokens, token) : undefined;
  const symbol = token ? tokenLabel(token, meta) : "of an unknown token";
  // Six significant fraction digits read well in a table; the exact amount is in the title.
  return (
    <span data-raw={raw} title={formatTokenAmount(raw, meta?.decimals, symbol)}>
      {formatTokenAmount(raw, meta?.decimals, symbol, 6)}
    </span>
  );
}

/** A column of token links, by symbol where the token map knows it. */
function tokenColumn<T>(header: string, token: (row: T) => string, tokens?: TokenMap): Column<T> {
  return { header, cell: (row) => <TokenLink address={token(row)} token={tokenIn(tokens, token(row))} /> };
}

/** What the swapper paid ("In") or received ("Out"), in the token's units. */
function sideColumn(header: string, field: string, side: "In" | "Out", tokens?: TokenMap): Column<Swap> {
  return {
    header,
    num: true,
    attributes: () => ({ "data-field": field }),
    cell: (s) => {
      const sides = swapSides(s);
      return <Amount raw={sides[`amount${side}`]} token={sides[`token${side}`]} tokens={tokens} />;
    },
  };
}

/** Swaps as "sold X, bought Y": the pool's signed amounts turned into what the swapper paid and received. */
export function SwapTable({
  swaps,
  tokens,
  caption,
  showTransaction = false,
}: TableViewProps & { swaps: Swap[]; tokens?: TokenMap | undefined }) {
  return (
    <DataTable
      rows={swaps}
      rowKey={logRowKey}
      rowAttributes={(s) => ({ "data-swap": s.logIndex })}
      caption={caption}
      empty="No swaps."
      columns={columnsOf<Swap>(
        showTransaction && transactionColumn(),
        {
          header: "Pool",
          cell: (s) => (
            <>
              <HashLink kind="address" value={s.pool} />{" "}
              <span className="badge">{s.protocol === "uniswap-v2" ? "Uniswap V2" : "Uniswap V3"}</span>
            </>
          ),
        },
        sideColumn("Sold", "sold", "In", tokens),
        sideColumn("Bought", "bought", "Out", tokens),
        {
          header: "Price",
          num: true,
          cell: (s) =>
            s.price === null || !s.token0 || !s.token1
              ? "—"
              : `1 ${tokenLabel(s.token0, tokenIn(tokens, s.token0))} = ${formatRatio(s.price)} ${tokenLabel(s.token1, tokenIn(tokens, s.token1))}`,
        },
        hashColumn("Recipient", "address", (s) => s.recipient),
      )}
    />
  );
}

function approvalWhat(a: Approval, tokens?: TokenMap): string {
  if (a.kind === "operator") return a.approved ? "all tokens (operator)" : "revoked operator";
  if (a.kind === "erc721") return `token id ${a.tokenId ?? "?"}`;
  if (a.value === MAX_UINT256) return "unlimited";
  const meta = tokenIn(tokens, a.token);
  return a.value === null ? "—" : formatTokenAmount(a.value, meta?.decimals, tokenLabel(a.token, meta));
}

export function ApprovalTable({
  approvals,
  tokens,
}: {
  approvals: Approval[];
  tokens?: TokenMap | undefined;
}) {
  return (
    <DataTable
      rows={approvals}
      rowKey={logRowKey}
      caption="Approvals in this transaction"
      empty="No approvals."
      columns={columnsOf<Approval>(
        {
          header: "Kind",
          cell: (a) => (
            <span className="badge">{a.kind === "operator" ? "ApprovalForAll" : a.kind.toUpperCase()}</span>
          ),
        },
        tokenColumn("Token", (a) => a.token, tokens),
        hashColumn("Owner", "address", (a) => a.owner),
        hashColumn("Spender", "address", (a) => a.spender),
        { header: "Allowance", num: true, cell: (a) => approvalWhat(a, tokens) },
      )}
    />
  );
}

export function WethTable({ events, tokens }: { events: WethEvent[]; tokens?: TokenMap | undefined }) {
  return (
    <DataTable
      rows={events}
      rowKey={logRowKey}
      caption="WETH wraps and unwraps in this transaction"
      empty="No wraps or unwraps."
      columns={columnsOf<WethEvent>(
        { header: "Action", cell: (w) => (w.kind === "deposit" ? "Wrap (deposit)" : "Unwrap (withdrawal)") },
        tokenColumn("Contract", (w) => w.token, tokens),
        hashColumn("Account", "address", (w) => w.account),
        {
          header: "Amount",
          num: true,
          // WETH has 18 decimals like ETH; a look-alike contract may not, so its own decimals win.
          cell: (w) => formatTokenAmount(w.value, tokenIn(tokens, w.token)?.decimals ?? 18, "ETH"),
        },
      )}
    />
  );
}

export function CreationTable({ creations }: { creations: ContractCreation[] }) {
  return (
    <DataTable
      rows={creations}
      rowKey={(c) => c.address}
      caption="Contracts created by this transaction"
      empty="No contracts created."
      columns={columnsOf<ContractCreation>(
        { header: "Contract", cell: (c) => <HashLink kind="address" value={c.address} full /> },
        hashColumn("Creator", "address", (c) => c.creator),
        {
          header: "Found in",
          cell: (c) => (c.source === "receipt" ? "receipt (top level)" : "trace (CREATE inside a call)"),
        },
      )}
    />
  );
}
