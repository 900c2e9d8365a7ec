import { useEffect } from "react";
import { ApiError } from "../api/client.ts";
import { api, type TokenMetadata } from "../api/routes.ts";
import { ErrorView, Loading } from "../components/common.tsx";
import { columnsOf, DataTable, hashColumn } from "../components/data-table.tsx";
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
          <DataTable
            rows={r.tokens}
            testId="token-results"
            rowKey={(t) => t.address}
            caption={`Tokens with the symbol ${q}`}
            columns={columnsOf<TokenMetadata>(
              {
                header: "Token",
                cell: (t) => <Link href={`/token/${t.address}`}>{t.name ?? "Unnamed token"}</Link>,
              },
              { header: "Symbol", cell: (t) => t.symbol },
              hashColumn("Contract", "address", (t) => t.address),
              { header: "Decimals", num: true, cell: (t) => t.decimals ?? "?" },
              { header: "First seen", num: true, cell: (t) => `block ${formatInteger(t.firstSeenBlock)}` },
            )}
          />
        </>
      )}
    </>
  );
}
