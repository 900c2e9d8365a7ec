import type { Portfolio } from "../api/routes.ts";
import { formatPrice, formatTokenAmount, formatUsd, NATIVE_ASSET, trimDecimal } from "../format/tokens.ts";
import { groupThousands } from "../format/units.ts";
import { Link } from "../router.tsx";
import { TokenLink } from "./common.tsx";

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
  const { holdings } = portfolio;
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
      {holdings.length === 0 ? (
        <p className="muted">No balances: every asset seen for this address is at zero.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="portfolio">
            <caption className="sr-only">Holdings of {portfolio.address}, highest value first</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col" className="num">
                  Balance
                </th>
                <th scope="col" className="num">
                  Price (USD)
                </th>
                <th scope="col" className="num">
                  Value (USD)
                </th>
                <th scope="col" className="num">
                  Block
                </th>
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
                    <td className="num">
                      {h.priceUsd !== null
                        ? formatPrice(h.priceUsd, "USD")
                        : h.priceEth !== null
                          ? formatPrice(h.priceEth, "ETH")
                          : "—"}
                    </td>
                    <td className="num" data-field="value-usd">
                      {formatUsd(h.valueUsd)}
                    </td>
                    <td className="num">
                      <Link href={`/block/${h.blockNumber}`}>{h.blockNumber}</Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        Prices are the latest DEX trades Chainlog indexed (USD through stablecoin pools, or ETH × the ETH/USD
        price). Assets without a price count for nothing in the total.
      </p>
    </>
  );
}
