import type { ReactNode } from "react";
import { ApiError } from "../api/client.ts";
import { NATIVE_ASSET, tokenLabel } from "../format/tokens.ts";
import { shortHex } from "../format/units.ts";
import type { PagedResource } from "../hooks/use-cursor-pages.ts";
import type { Resource } from "../hooks/use-resource.ts";
import { Link } from "../router.tsx";

export function HashLink({
  kind,
  value,
  full,
}: {
  kind: "tx" | "block" | "address" | "token";
  value: string;
  full?: boolean;
}) {
  const href = `/${kind}/${value}`;
  return (
    <Link href={href} className="mono" title={value}>
      {full ? value : shortHex(value)}
    </Link>
  );
}

/** A token by its symbol (or short address), linking to its token page; the address stays in the title. */
export function TokenLink({ address, token }: { address: string; token?: { symbol: string | null } | null }) {
  if (address === NATIVE_ASSET)
    return (
      <Link href={`/token/${NATIVE_ASSET}`} title="Ether, the chain's native asset">
        ETH
      </Link>
    );
  return (
    <Link href={`/token/${address}`} title={address} className={token?.symbol ? undefined : "mono"}>
      {tokenLabel(address, token)}
    </Link>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorView({ error, what, retry }: { error: Error; what: string; retry?: () => void }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div className="notice error" role="alert">
      <p>
        <strong>{notFound ? `No such ${what}.` : `Could not load the ${what}.`}</strong> {error.message}
      </p>
      {retry && !notFound && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** A label/value list for a record's fields; values may be links or formatted amounts. */
export function Fields({ rows, label }: { rows: [string, ReactNode][]; label: string }) {
  return (
    <dl className="fields" aria-label={label}>
      {rows.map(([name, value]) => (
        <div key={name} className="field">
          <dt>{name}</dt>
          <dd data-field={name}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Previous/next buttons over an opaque cursor chain (the API only walks forward, so we keep the trail). */
export function Pager({
  hasPrevious,
  nextCursor,
  onPrevious,
  onNext,
  label,
}: {
  hasPrevious: boolean;
  nextCursor: string | null | undefined;
  onPrevious(): void;
  onNext(cursor: string): void;
  label: string;
}) {
  if (!hasPrevious && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={onPrevious} disabled={!hasPrevious}>
        ← Newer
      </button>
      <button type="button" onClick={() => nextCursor && onNext(nextCursor)} disabled={!nextCursor}>
        Older →
      </button>
    </nav>
  );
}

/**
 * The frame around loaded data: the error (with Retry) when loading failed, "Loading…" until the first answer,
 * then the data, which stays on screen when a later refresh fails.
 */
export function Loaded<T>({
  resource,
  what,
  children,
}: {
  resource: Resource<T>;
  what: string;
  children(data: T): ReactNode;
}) {
  return (
    <>
      {resource.error && <ErrorView error={resource.error} what={what} retry={resource.reload} />}
      {resource.data === undefined ? !resource.error && <Loading what={what} /> : children(resource.data)}
    </>
  );
}

/**
 * One page of a cursor-paged list in the loading frame: "Page n, newest first" when `numbered` (followed by
 * `about`, what the list holds), the list, and the pager below it.
 */
export function PagedView<T extends { nextCursor?: string | null }>({
  paged,
  what,
  pagerLabel,
  numbered = false,
  about,
  children,
}: {
  paged: PagedResource<T>;
  what: string;
  pagerLabel: string;
  numbered?: boolean;
  about?: string;
  children(data: T): ReactNode;
}) {
  const { pages } = paged;
  return (
    <Loaded resource={paged} what={what}>
      {(data) => (
        <>
          {numbered && (
            <p className="muted">
              Page {pages.pageNumber}, newest first{about ? `: ${about}` : "."}
            </p>
          )}
          {children(data)}
          <Pager
            label={pagerLabel}
            hasPrevious={pages.hasPrevious}
            nextCursor={data.nextCursor}
            onPrevious={pages.previous}
            onNext={pages.next}
          />
        </>
      )}
    </Loaded>
  );
}

/** A page section under its own heading, labelled by it for screen readers. */
export function Section({ id, title, children }: { id: string; title: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
