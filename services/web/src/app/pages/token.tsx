import type { TokenResponse } from "@chainlog/tx-schema";
import { type ReactNode, useState } from "react";
import type { PricePoint, TokenMetadata } from "../api/routes.ts";
import { api } from "../api/routes.ts";
import { LineChart } from "../components/chart.tsx";
import { Fields, HashLink, Loaded, PagedView, Section } from "../components/common.tsx";
import { TransferTable } from "../components/tables.tsx";
import { priceSeries, seriesSpan } from "../format/prices.ts";
import { formatPrice, formatRatio, NATIVE_ASSET } from "../format/tokens.ts";
import { formatTimestamp } from "../format/units.ts";
import { usePagedResource } from "../hooks/use-cursor-pages.ts";
import { unlessInvalid, useResource } from "../hooks/use-resource.ts";

const PAGE_SIZE = 25;
/** Trades behind the chart: enough for a shape, one request. */
const CHART_POINTS = 200;
const POLL_MS = 10_000;

/**
 * A token traded only against WETH has no USD point of its own: its USD price is then its ETH price × ETH's
 * USD price (as the portfolio values it), said to be derived.
 */
function DerivedUsd({ priceEth }: { priceEth: PricePoint | null }) {
  const eth = useResource(
    (signal) => (priceEth ? api.token(NATIVE_ASSET, signal) : Promise.resolve(null)),
    priceEth ? "eth" : "none",
  );
  const ethUsd = eth.data?.priceUsd?.price;
  if (!priceEth || !ethUsd) return <span className="muted">no USD trade seen</span>;
  return (
    <span data-testid="price-usd-derived">
      <strong>≈ {formatPrice(priceEth.price * ethUsd, "USD")}</strong>{" "}
      <span className="muted">(its ETH price × ETH at {formatPrice(ethUsd, "USD")})</span>
    </span>
  );
}

function LatestPrice({ point, quote }: { point: PricePoint | null; quote: "USD" | "ETH" }) {
  if (!point) return <span className="muted">no trade seen</span>;
  return (
    <span data-testid={`price-${quote.toLowerCase()}`}>
      <strong>{formatPrice(point.price, quote)}</strong>{" "}
      <span className="muted">
        at block <HashLink kind="block" value={String(point.blockNumber)} /> (
        {formatTimestamp(point.timestamp)}), pool <HashLink kind="address" value={point.pool} />
      </span>
    </span>
  );
}

function PriceChart({
  address,
  symbol,
  initialQuote,
  quotes,
}: {
  address: string;
  symbol: string;
  initialQuote: "USD" | "ETH";
  quotes: readonly ("USD" | "ETH")[];
}) {
  const [quote, setQuote] = useState<"USD" | "ETH">(initialQuote);
  const prices = useResource(
    (signal) => api.tokenPrices(address, quote, CHART_POINTS, signal),
    `${address}:${quote}`,
    { pollMs: POLL_MS },
  );
  const items = prices.data?.items ?? [];
  const span = seriesSpan(items);
  return (
    <Section id="price-h" title="Price history">
      {quotes.length > 1 && (
        <fieldset className="segmented">
          <legend className="sr-only">Quote currency</legend>
          {quotes.map((q) => (
            <label key={q}>
              <input type="radio" name="quote" value={q} checked={quote === q} onChange={() => setQuote(q)} />
              in {q}
            </label>
          ))}
        </fieldset>
      )}
      <Loaded resource={prices} what="prices">
        {(data) => (
          <div className="charts single" data-testid="price-chart" data-points={data.items.length}>
            <LineChart
              title={`${symbol} price in ${quote}`}
              points={priceSeries(items)}
              format={(v) => (quote === "USD" ? `$${formatRatio(v)}` : `${formatRatio(v)} ETH`)}
              unit="trades"
              zeroBased={false}
              empty={`No ${quote} price yet: Chainlog prices a token from its DEX trades against ${quote === "USD" ? "a stablecoin (or WETH × ETH/USD)" : "WETH"}.`}
            />
            {span && (
              <p className="muted small">
                {items.length} trade(s) from {formatTimestamp(span.from)} to {formatTimestamp(span.to)}
                {data.nextCursor ? `, the newest ${CHART_POINTS}` : ""}.
              </p>
            )}
          </div>
        )}
      </Loaded>
    </Section>
  );
}

function Transfers({ address, token }: { address: string; token: TokenMetadata }) {
  const transfers = usePagedResource(
    (cursor, signal) => api.tokenTransfers(address, PAGE_SIZE, cursor, signal),
    address,
  );
  return (
    <Section id="transfers-h" title="Transfers">
      <PagedView paged={transfers} what="transfers" pagerLabel="Transfer pages" numbered>
        {(page) => (
          <TransferTable
            transfers={page.items}
            tokens={{ [address]: token }}
            showToken={false}
            caption={`Transfers of token ${address}`}
          />
        )}
      </PagedView>
    </Section>
  );
}

/** The token's fields and latest prices, its price chart, and its transfers (ETH has none). */
function TokenDetail({ view, t, normalized }: { view: TokenResponse; t: TokenMetadata; normalized: string }) {
  const symbol = t.symbol ?? "Token";
  // ETH (NATIVE_ASSET) is no contract: no standard, no ETH price of itself, no token transfers.
  const native = normalized === NATIVE_ASSET;
  return (
    <>
      <Fields
        label="Token"
        rows={[
          ["Name", t.name ?? "— (the contract does not say)"],
          ["Symbol", t.symbol ?? "—"],
          ...(native
            ? []
            : ([["Standard", t.standard ? t.standard.toUpperCase() : "unknown"]] as [string, ReactNode][])),
          ["Decimals", t.decimals ?? "unknown (amounts in base units)"],
          [
            "Contract",
            // ETH (NATIVE_ASSET) is no contract: its pseudo address has no page of its own.
            t.address === NATIVE_ASSET ? (
              "none (the chain's native asset)"
            ) : (
              <HashLink key="a" kind="address" value={t.address} full />
            ),
          ],
          ["First seen", <HashLink key="f" kind="block" value={String(t.firstSeenBlock)} />],
          [
            "Price (USD)",
            view.priceUsd ? (
              <LatestPrice key="u" point={view.priceUsd} quote="USD" />
            ) : (
              <DerivedUsd key="u" priceEth={view.priceEth} />
            ),
          ],
          ...(native
            ? []
            : ([["Price (ETH)", <LatestPrice key="e" point={view.priceEth} quote="ETH" />]] as [
                string,
                ReactNode,
              ][])),
        ]}
      />
      <PriceChart
        address={normalized}
        symbol={symbol}
        // Open on the quote the token has: a token traded only against WETH has no USD series of its own.
        initialQuote={view.priceUsd || !view.priceEth ? "USD" : "ETH"}
        quotes={native ? ["USD"] : ["USD", "ETH"]}
      />
      {native ? (
        <p className="muted">
          ETH moves in transactions and internal calls, not token transfers: see an address's transactions.
        </p>
      ) : (
        <Transfers address={normalized} token={t} />
      )}
    </>
  );
}

export default function TokenPage({ address }: { address: string }) {
  const normalized = address.toLowerCase();
  const view = useResource(
    unlessInvalid(
      /^0x[0-9a-fA-F]{40}$/.test(address) ? null : "A token address is 0x and 40 hex digits.",
      (signal) => api.token(normalized, signal),
    ),
    normalized,
    { pollMs: POLL_MS },
  );
  const t = view.data?.token;
  return (
    <>
      <h1>
        {t ? (t.name ?? t.symbol ?? "Unnamed token") : "Token"}
        {t?.symbol && t.name ? <span className="muted"> ({t.symbol})</span> : null}
      </h1>
      <p className="mono break" data-testid="token-address">
        {normalized}
      </p>
      <Loaded resource={view} what="token">
        {(data) => data.token && <TokenDetail view={data} t={data.token} normalized={normalized} />}
      </Loaded>
    </>
  );
}
