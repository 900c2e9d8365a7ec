import { type ReactNode, useState } from "react";
import { ApiError } from "../api/client.ts";
import { api } from "../api/routes.ts";
import { BalancesView } from "../components/balances.tsx";
import { ErrorView, Fields, HashLink, Loading, Pager } from "../components/common.tsx";
import { SwapTable } from "../components/events.tsx";
import { InternalTable } from "../components/internal.tsx";
import { PortfolioView } from "../components/portfolio.tsx";
import { TransactionTable, TransferTable } from "../components/tables.tsx";
import { useCursorPages } from "../hooks/use-cursor-pages.ts";
import { useResource } from "../hooks/use-resource.ts";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";

const PAGE_SIZE = 25;
/** Balances change with every block the address is touched in; a portfolio a few seconds old is fine. */
const PORTFOLIO_POLL_MS = 10_000;

const TABS = [
  { id: "txs", label: "Transactions" },
  { id: "internal", label: "Internal" },
  { id: "transfers", label: "Token transfers" },
  { id: "swaps", label: "Swaps" },
] as const;
type Tab = (typeof TABS)[number]["id"];

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

function InternalTab({ address }: { address: string }) {
  const pages = useCursorPages(address);
  const calls = useResource(
    (signal) => api.addressInternalTransactions(address, PAGE_SIZE, pages.cursor, signal),
    `${address}:${pages.cursor}`,
  );
  if (calls.error) return <ErrorView error={calls.error} what="internal transactions" retry={calls.reload} />;
  if (!calls.data) return <Loading what="internal transactions" />;
  return (
    <>
      <p className="muted">
        Page {pages.pageNumber}, newest first: calls from or to this address inside transactions (from the
        node's call traces).
      </p>
      <InternalTable
        calls={calls.data.items}
        caption={`Internal transactions of ${address}`}
        showTransaction
      />
      <Pager
        label="Internal transaction pages"
        hasPrevious={pages.hasPrevious}
        nextCursor={calls.data.nextCursor}
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
      <TransferTable
        transfers={transfers.data.items}
        tokens={transfers.data.tokens}
        caption={`Token transfers of ${address}`}
      />
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

function SwapsTab({ address }: { address: string }) {
  const pages = useCursorPages(address);
  const swaps = useResource(
    (signal) => api.addressSwaps(address, PAGE_SIZE, pages.cursor, signal),
    `${address}:${pages.cursor}`,
  );
  if (swaps.error) return <ErrorView error={swaps.error} what="swaps" retry={swaps.reload} />;
  if (!swaps.data) return <Loading what="swaps" />;
  return (
    <>
      <p className="muted">Page {pages.pageNumber}, newest first.</p>
      <SwapTable
        swaps={swaps.data.items}
        tokens={swaps.data.tokens}
        caption={`Swaps of ${address}`}
        showTransaction
      />
      <Pager
        label="Swap pages"
        hasPrevious={pages.hasPrevious}
        nextCursor={swaps.data.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
    </>
  );
}

/** What the address is: a contract (who deployed it, where) and perhaps a token with its own page. */
function Overview({ address }: { address: string }) {
  const info = useResource((signal) => api.address(address, signal), address);
  // An older query-api has no such route: the rest of the page still works without it.
  if (info.error instanceof ApiError && info.error.status === 404) return null;
  if (info.error) return <ErrorView error={info.error} what="address details" retry={info.reload} />;
  if (!info.data) return null;
  const { contractCreation: c, token } = info.data;
  if (!c && !token) return null;
  return (
    <Fields
      label="Contract"
      rows={[
        ...(token
          ? ([
              [
                "Token",
                <span key="t" data-testid="token-link">
                  <Link href={`/token/${address}`}>
                    {token.name ?? token.symbol ?? "Token"}
                    {token.symbol && token.name ? ` (${token.symbol})` : ""}
                  </Link>{" "}
                  {token.standard && <span className="badge">{token.standard.toUpperCase()}</span>}
                </span>,
              ],
            ] as [string, ReactNode][])
          : []),
        ...(c
          ? ([
              ["Created by", <HashLink key="c" kind="address" value={c.creator} full />],
              ["Creation transaction", <HashLink key="x" kind="tx" value={c.transactionHash} />],
              ["Created in block", <HashLink key="b" kind="block" value={String(c.blockNumber)} />],
            ] as [string, ReactNode][])
          : []),
      ]}
    />
  );
}

/** Every address's balances, watched or not (the node for ETH, the indexed transfers for tokens). */
function BalancesSection({ address }: { address: string }) {
  const [confirm, setConfirm] = useState(false);
  const balances = useResource((signal) => api.balances(address, confirm, signal), `${address}:${confirm}`, {
    pollMs: PORTFOLIO_POLL_MS,
  });
  // An older query-api has no such route: the rest of the page still works without it.
  if (balances.error instanceof ApiError && balances.error.status === 404) return null;
  return (
    <section aria-labelledby="balances-h">
      <h2 id="balances-h">Balances</h2>
      {balances.error && <ErrorView error={balances.error} what="balances" retry={balances.reload} />}
      {!balances.data && !balances.error && <Loading what="balances" />}
      {balances.data && (
        <BalancesView
          balances={balances.data}
          onConfirm={() => setConfirm(true)}
          confirming={confirm && !balances.data.holdings.some((h) => h.confirmed !== undefined)}
        />
      )}
    </section>
  );
}

function PortfolioSection({ address }: { address: string }) {
  const { user } = useSession();
  const portfolio = useResource((signal) => api.portfolio(address, signal), address, {
    pollMs: PORTFOLIO_POLL_MS,
  });
  return (
    <section aria-labelledby="portfolio-h">
      <h2 id="portfolio-h">Portfolio</h2>
      {portfolio.error && <ErrorView error={portfolio.error} what="portfolio" retry={portfolio.reload} />}
      {!portfolio.data && !portfolio.error && <Loading what="portfolio" />}
      {portfolio.data && <PortfolioView portfolio={portfolio.data} signedIn={Boolean(user)} />}
    </section>
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
          <Overview address={normalized} />
          <BalancesSection address={normalized} />
          <PortfolioSection address={normalized} />
          <h2>History</h2>
          <div role="tablist" aria-label="Address history" className="tabs">
            {TABS.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls="panel"
                tabIndex={tab === t.id ? 0 : -1}
                onClick={() => setTab(t.id)}
                onKeyDown={(event) => {
                  // Arrow keys move between tabs, as the ARIA tabs pattern has it.
                  const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
                  if (!step) return;
                  const i = (TABS.findIndex((x) => x.id === tab) + step + TABS.length) % TABS.length;
                  const next = TABS[i]!.id;
                  setTab(next);
                  document.getElementById(`tab-${next}`)?.focus();
                }}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="panel" aria-labelledby={`tab-${tab}`}>
            {tab === "txs" ? (
              <TransactionsTab address={normalized} />
            ) : tab === "internal" ? (
              <InternalTab address={normalized} />
            ) : tab === "transfers" ? (
              <TransfersTab address={normalized} />
            ) : (
              <SwapsTab address={normalized} />
            )}
          </div>
        </>
      )}
    </>
  );
}
