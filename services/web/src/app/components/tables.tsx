import type { TokenMap, TokenTransfer, Transaction } from "../api/routes.ts";
import { formatTokenAmount } from "../format/tokens.ts";
import { formatEth } from "../format/units.ts";
import { TokenLink } from "./common.tsx";
import { type Column, columnsOf, DataTable, hashColumn, transactionColumn } from "./data-table.tsx";

export function TransactionTable({
  transactions,
  caption,
  showBlock = true,
}: {
  transactions: Transaction[];
  caption: string;
  showBlock?: boolean;
}) {
  return (
    <DataTable
      rows={transactions}
      rowKey={(tx) => tx.hash}
      caption={caption}
      empty="No transactions."
      columns={columnsOf<Transaction>(
        hashColumn("Hash", "tx", (tx) => tx.hash),
        showBlock && hashColumn("Block", "block", (tx) => tx.blockNumber),
        hashColumn("From", "address", (tx) => tx.from),
        hashColumn("To", "address", (tx) => tx.to, <span className="badge">create</span>),
        { header: "Value", num: true, cell: (tx) => formatEth(tx.value) },
      )}
    />
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
  const amount: Column<TokenTransfer> = {
    header: "Amount",
    num: true,
    className: "mono",
    cell: (t) => {
      const meta = tokens?.[t.token];
      return t.standard === "erc20"
        ? formatTokenAmount(t.value, meta?.decimals, meta?.symbol, 6)
        : formatTokenAmount(t.value, 0);
    },
    attributes: (t) => {
      const meta = tokens?.[t.token];
      return {
        "data-raw": t.value,
        title: t.standard === "erc20" ? formatTokenAmount(t.value, meta?.decimals, meta?.symbol) : undefined,
      };
    },
  };
  return (
    <DataTable
      rows={transfers}
      rowKey={(t) => `${t.transactionHash}:${t.logIndex}:${t.batchIndex}`}
      caption={caption}
      empty="No token transfers."
      columns={columnsOf<TokenTransfer>(
        { header: "Standard", cell: (t) => <span className="badge">{t.standard.toUpperCase()}</span> },
        showToken && {
          header: "Token",
          cell: (t) => <TokenLink address={t.token} token={tokens?.[t.token]} />,
        },
        hashColumn("From", "address", (t) => t.from),
        hashColumn("To", "address", (t) => t.to),
        amount,
        { header: "Token id", className: "mono", cell: (t) => t.tokenId ?? "—" },
        transactionColumn(),
      )}
    />
  );
}
