import type { Holding } from "@chainlog/tx-schema";
import type { Portfolio } from "../api/routes.ts";
import { formatPrice, formatUsd } from "../format/tokens.ts";
import { Link } from "../router.tsx";
import { columnsOf, DataTable } from "./data-table.tsx";
import { HoldingAsset, holdingBalance } from "./holdings.tsx";

/** Holdings with USD values at the newest snapshot; explains what to do when the address is not watched. */
export function PortfolioView({ portfolio, signedIn }: { portfolio: Portfolio; signedIn: boolean }) {
  if (!portfolio.watched)
    return (
      <div className="notice info" data-testid="portfolio-not-watched">
        <p>
          <strong>This address is not watched.</strong> Chainlog keeps balances only for watched addresses,
          from the block where watching starts.
        </p>
        <p>
          To watch it,{" "}
          {signedIn ? (
            <Link href="/watchlists">add it to one of your watchlists</Link>
          ) : (
            <>
              <Link href="/login">sign in</Link> and add it to a watchlist
            </>
          )}
          , or list it in <code>WATCHED_ADDRESSES</code> when you start Chainlog. Its portfolio appears here
          after its next balance change.
        </p>
      </div>
    );
  return (
    <>
      <p>
        Total value: <strong data-testid="portfolio-total">{formatUsd(portfolio.totalUsd)}</strong>
        {portfolio.asOfBlock !== null && (
          <span className="muted">
            {" "}
            as of block <Link href={`/block/${portfolio.asOfBlock}`}>{portfolio.asOfBlock}</Link>
          </span>
        )}
        {portfolio.ethUsd !== null && (
          <span className="muted"> · ETH at {formatPrice(portfolio.ethUsd, "USD")}</span>
        )}
      </p>
      <DataTable
        rows={portfolio.holdings}
        testId="portfolio"
        rowKey={(h) => h.token}
        rowAttributes={(h) => ({ "data-token": h.token })}
        caption={`Holdings of ${portfolio.address}, highest value first`}
        empty="No balances: every asset seen for this address is at zero."
        columns={columnsOf<Holding>(
          { header: "Asset", cell: (h) => <HoldingAsset holding={h} /> },
          holdingBalance,
          {
            header: "Price (USD)",
            num: true,
            cell: (h) =>
              h.priceUsd !== null
                ? formatPrice(h.priceUsd, "USD")
                : h.priceEth !== null
                  ? formatPrice(h.priceEth, "ETH")
                  : "—",
          },
          {
            header: "Value (USD)",
            num: true,
            attributes: () => ({ "data-field": "value-usd" }),
            cell: (h) => formatUsd(h.valueUsd),
          },
          {
            header: "Block",
            num: true,
            cell: (h) => <Link href={`/block/${h.blockNumber}`}>{h.blockNumber}</Link>,
          },
        )}
      />
      <p className="muted small">
        Prices are the latest DEX trades Chainlog indexed (USD through stablecoin pools, or ETH × the ETH/USD
        price). Assets without a price count for nothing in the total.
      </p>
    </>
  );
}
