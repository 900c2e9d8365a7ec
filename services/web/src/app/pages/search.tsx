import { useEffect } from "react";
import { ApiError } from "../api/client.ts";
import { api } from "../api/routes.ts";
import { ErrorView, HashLink, Loading } from "../components/common.tsx";
import { formatInteger } from "../format/units.ts";
import { useResource } from "../hooks/use-resource.ts";
import { Link, navigate } from "../router.tsx";

/** Results of a search the box could not resolve by shape alone: token symbols, which several tokens may share. */
export default function SearchPage({ q }: { q: string }) {
  const result = useResource((signal) => api.search(q, signal), q);
  const r = result.data;
  const only = r?.kind === "token" && r.tokens.length === 1 ? r.tokens[0] : undefined;
  // One token with that symbol: go straight to it (replacing this page, so Back returns to where the user was).
  useEffect(() => {
    if (only) navigate(`/token/${only.address}`, { replace: true });
    else if (r?.kind === "block") navigate(`/block/${r.block.number}`, { replace: true });
    else if (r?.kind === "transaction") navigate(`/tx/${r.transaction.hash}`, { replace: true });
    else if (r?.kind === "address") navigate(`/address/${r.address}`, { replace: true });
  }, [only, r]);
  const notFound = result.error instanceof ApiError && result.error.status === 404;
  return (
    <>
      <h1>Search: {q}</h1>
      {notFound && (
        <p role="status">
          No block, transaction, address or token symbol matches <strong>{q}</strong>. Symbols match exactly
          (any case); try the token's contract address instead.
        </p>
      )}
      {result.error && !notFound && <ErrorView error={result.error} what="search" retry={result.reload} />}
      {result.loading && <Loading what="results" />}
      {r?.kind === "token" && r.tokens.length > 1 && (
        <>
          <p>
            {r.tokens.length} tokens use the symbol <strong>{q}</strong>. Anyone can deploy a token with any
            symbol: check the contract address.
          </p>
          <div className="table-wrap">
            <table data-testid="token-results">
              <caption className="sr-only">Tokens with the symbol {q}</caption>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Symbol</th>
                  <th scope="col">Contract</th>
                  <th scope="col" className="num">
                    Decimals
                  </th>
                  <th scope="col" className="num">
                    First seen
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.tokens.map((t) => (
                  <tr key={t.address}>
                    <td>
                      <Link href={`/token/${t.address}`}>{t.name ?? "Unnamed token"}</Link>
                    </td>
                    <td>{t.symbol}</td>
                    <td>
                      <HashLink kind="address" value={t.address} />
                    </td>
                    <td className="num">{t.decimals ?? "?"}</td>
                    <td className="num">block {formatInteger(t.firstSeenBlock)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
