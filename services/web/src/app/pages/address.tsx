import { useState } from "react";
import { api } from "../api/routes.ts";
import { ErrorView, Loading, Pager } from "../components/common.tsx";
import { TransactionTable, TransferTable } from "../components/tables.tsx";
import { useCursorPages } from "../hooks/use-cursor-pages.ts";
import { useResource } from "../hooks/use-resource.ts";

const PAGE_SIZE = 25;

type Tab = "txs" | "transfers";

function TransactionsTab({ address }: { address: string }) {
  const pages = useCursorPages(address);
  const txs = useResource(
    (signal) => api.addressTransactions(address, PAGE_SIZE, pages.cursor, signal),
    `${address}:${pages.cursor}`,
  );
  if (txs.error) return <ErrorView error={txs.error} what="transactions" retry={txs.reload} />;
  if (!txs.data) return <Loading what="transactions" />;
  return (
    <>
      <p className="muted">Page {pages.pageNumber}, newest first.</p>
      <TransactionTable transactions={txs.data.items} caption={`Transactions of ${address}`} />
      <Pager
        label="Transaction pages"
        hasPrevious={pages.hasPrevious}
        nextCursor={txs.data.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
    </>
  );
}

function TransfersTab({ address }: { address: string }) {
  const pages = useCursorPages(address);
  const transfers = useResource(
    (signal) => api.addressTokenTransfers(address, PAGE_SIZE, pages.cursor, signal),
    `${address}:${pages.cursor}`,
  );
  if (transfers.error)
    return <ErrorView error={transfers.error} what="token transfers" retry={transfers.reload} />;
  if (!transfers.data) return <Loading what="token transfers" />;
  return (
    <>
      <p className="muted">Page {pages.pageNumber}, newest first.</p>
      <TransferTable transfers={transfers.data.items} caption={`Token transfers of ${address}`} />
      <Pager
        label="Token transfer pages"
        hasPrevious={pages.hasPrevious}
        nextCursor={transfers.data.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
    </>
  );
}

export default function AddressPage({ address }: { address: string }) {
  const [tab, setTab] = useState<Tab>("txs");
  const valid = /^0x[0-9a-fA-F]{40}$/.test(address);
  const normalized = address.toLowerCase();
  return (
    <>
      <h1>Address</h1>
      <p className="mono break" data-testid="address">
        {normalized}
      </p>
      {!valid ? (
        <ErrorView error={new Error("An address is 0x and 40 hex digits.")} what="address" />
      ) : (
        <>
          <div role="tablist" aria-label="Address history" className="tabs">
            <button
              type="button"
              role="tab"
              id="tab-txs"
              aria-selected={tab === "txs"}
              aria-controls="panel"
              onClick={() => setTab("txs")}
            >
              Transactions
            </button>
            <button
              type="button"
              role="tab"
              id="tab-transfers"
              aria-selected={tab === "transfers"}
              aria-controls="panel"
              onClick={() => setTab("transfers")}
            >
              Token transfers
            </button>
          </div>
          <div role="tabpanel" id="panel" aria-labelledby={tab === "txs" ? "tab-txs" : "tab-transfers"}>
            {tab === "txs" ? <TransactionsTab address={normalized} /> : <TransfersTab address={normalized} />}
          </div>
        </>
      )}
    </>
  );
}
