import { type ReactNode, useState } from "react";
import { ApiError } from "../api/client.ts";
import { api } from "../api/routes.ts";
import { BalancesView } from "../components/balances.tsx";
import { ErrorView, Fields, HashLink, Loaded, PagedView, Section } from "../components/common.tsx";
import { SwapTable } from "../components/events.tsx";
import { InternalTable } from "../components/internal.tsx";
import { PortfolioView } from "../components/portfolio.tsx";
import { TransactionTable, TransferTable } from "../components/tables.tsx";
import { usePagedResource } from "../hooks/use-cursor-pages.ts";
import { useResource } from "../hooks/use-resource.ts";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";

const PAGE_SIZE = 25;
/** Balances change with every block the address is touched in; a portfolio a few seconds old is fine. */
const PORTFOLIO_POLL_MS = 10_000;

/**
 * One tab of the address's history: a cursor-paged list, newest first, read by `list` and drawn by `table`.
 * `noun` names one record: it makes the tab's label (unless `label` says otherwise), the loading and error
 * lines, the pager's label and the table's caption; `about` says more of the records under the page number.
 */
interface HistoryTab<T> {
  id: string;
  noun: string;
  label?: string;
  about?: string;
  list(address: string, limit: number, cursor: string | null, signal: AbortSignal): Promise<T>;
  table(page: T, caption: string): ReactNode;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function HistoryPanel<T extends { nextCursor?: string | null }>({
  tab,
  address,
}: {
  tab: HistoryTab<T>;
  address: string;
}) {
  const paged = usePagedResource((cursor, signal) => tab.list(address, PAGE_SIZE, cursor, signal), address);
  return (
    <PagedView
      paged={paged}
      what={`${tab.noun}s`}
      pagerLabel={`${capitalized(tab.noun)} pages`}
      about={tab.about}
      numbered
    >
      {(page) => tab.table(page, `${capitalized(tab.noun)}s of ${address}`)}
    </PagedView>
  );
}

/** A tab as the tab list needs it: its id, its label, and its panel (a new one, with fresh pages, per tab). */
function historyTab<T extends { nextCursor?: string | null }>(tab: HistoryTab<T>) {
  return {
    id: tab.id,
    label: tab.label ?? `${capitalized(tab.noun)}s`,
    panel: (address: string) => <HistoryPanel key={tab.id} tab={tab} address={address} />,
  };
}

const TABS = [
  historyTab({
    id: "txs",
    noun: "transaction",
    list: api.addressTransactions,
    table: (page, caption) => <TransactionTable transactions={page.items} caption={caption} />,
  }),
  historyTab({
    id: "internal",
    noun: "internal transaction",
    label: "Internal",
    about: "calls from or to this address inside transactions (from the node's call traces).",
    list: api.addressInternalTransactions,
    table: (page, caption) => <InternalTable calls={page.items} caption={caption} showTransaction />,
  }),
  historyTab({
    id: "transfers",
    noun: "token transfer",
    list: api.addressTokenTransfers,
    table: (page, caption) => <TransferTable transfers={page.items} tokens={page.tokens} caption={caption} />,
  }),
  historyTab({
    id: "swaps",
    noun: "swap",
    list: api.addressSwaps,
    table: (page, caption) => (
      <SwapTable swaps={page.items} tokens={page.tokens} caption={caption} showTransaction />
    ),
  }),
];

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
    <Section id="balances-h" title="Balances">
      <Loaded resource={balances} what="balances">
        {(data) => (
          <BalancesView
            balances={data}
            onConfirm={() => setConfirm(true)}
            confirming={confirm && !data.holdings.some((h) => h.confirmed !== undefined)}
          />
        )}
      </Loaded>
    </Section>
  );
}

function PortfolioSection({ address }: { address: string }) {
  const { user } = useSession();
  const portfolio = useResource((signal) => api.portfolio(address, signal), address, {
    pollMs: PORTFOLIO_POLL_MS,
  });
  return (
    <Section id="portfolio-h" title="Portfolio">
      <Loaded resource={portfolio} what="portfolio">
        {(data) => <PortfolioView portfolio={data} signedIn={Boolean(user)} />}
      </Loaded>
    </Section>
  );
}

export default function AddressPage({ address }: { address: string }) {
  const [tab, setTab] = useState("txs");
  const panel = (TABS.find((t) => t.id === tab) ?? TABS[0]!).panel;
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
            {panel(normalized)}
          </div>
        </>
      )}
    </>
  );
}
