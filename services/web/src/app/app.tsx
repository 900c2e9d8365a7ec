import { type FormEvent, lazy, Suspense, useEffect, useId, useRef, useState } from "react";
import { api } from "./api/routes.ts";
import { Loading } from "./components/common.tsx";
import { Link, matchRoute, navigate, type Route, useLocation } from "./router.tsx";
import { classifySearch, searchPath } from "./search/classify.ts";
import { useSession } from "./session.tsx";

// Each page is its own chunk: the first paint only needs the shell and the page being opened.
const HomePage = lazy(() => import("./pages/home.tsx"));
const BlockPage = lazy(() => import("./pages/block.tsx"));
const TransactionPage = lazy(() => import("./pages/transaction.tsx"));
const AddressPage = lazy(() => import("./pages/address.tsx"));
const AuthPage = lazy(() => import("./pages/auth.tsx"));
const WatchlistsPage = lazy(() => import("./pages/watchlists.tsx"));
const ExportsPage = lazy(() => import("./pages/exports.tsx"));
const TokenPage = lazy(() => import("./pages/token.tsx"));
const StatusPage = lazy(() => import("./pages/status.tsx"));
const SearchPage = lazy(() => import("./pages/search.tsx"));
const WalletPage = lazy(() => import("./pages/wallet.tsx"));

function SearchBox() {
  const id = useId();
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const target = classifySearch(value);
    if (target.kind === "invalid") {
      setProblem(target.message);
      return;
    }
    setProblem(undefined);
    setValue("");
    // A 32-byte hash may name a block as well as a transaction: ask the API which one it is.
    if (target.kind === "tx") {
      const found = await api.search(target.hash).catch(() => null);
      if (found?.kind === "block") return navigate(`/block/${found.block.number}`);
    }
    navigate(searchPath(target));
  };
  return (
    <search className="search">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor={`${id}-q`} className="sr-only">
          Search by block number, transaction hash, address or token symbol
        </label>
        <input
          id={`${id}-q`}
          name="q"
          type="search"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="Block, tx hash, address or token symbol"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-err` : undefined}
        />
        <button type="submit">Search</button>
        {problem && (
          <p id={`${id}-err`} className="search-error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </search>
  );
}

function AccountNav() {
  const { user, signOut } = useSession();
  return (
    <nav aria-label="Main" className="account-nav">
      <Link href="/status">Status</Link>
      <Link href="/watchlists">Watchlists</Link>
      <Link href="/exports">Exports</Link>
      {user && <Link href="/wallet">Wallet</Link>}
      {user ? (
        <>
          <span className="muted" data-testid="signed-in-as">
            {user.email}
          </span>
          <button
            type="button"
            className="secondary"
            onClick={() => void signOut().then(() => navigate("/"))}
          >
            Sign out
          </button>
        </>
      ) : user === null ? (
        <>
          <Link href="/login">Sign in</Link>
          <Link href="/signup">Sign up</Link>
        </>
      ) : null}
    </nav>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "home":
      return <HomePage />;
    case "block":
      return <BlockPage number={route.number} />;
    case "tx":
      return <TransactionPage hash={route.hash} />;
    case "address":
      return <AddressPage address={route.address} />;
    case "token":
      return <TokenPage address={route.address} />;
    case "search":
      return <SearchPage q={route.q} />;
    case "status":
      return <StatusPage />;
    case "login":
    case "signup":
      return <AuthPage mode={route.page} />;
    case "watchlists":
      return <WatchlistsPage />;
    case "exports":
      return <ExportsPage />;
    case "wallet":
      return <WalletPage />;
    default:
      return (
        <>
          <h1>Page not found</h1>
          <p>
            There is nothing at this address. <Link href="/">Go to the latest blocks.</Link>
          </p>
        </>
      );
  }
}

function titleOf(route: Route): string {
  if (route.page === "block") return `Block ${route.number}`;
  if (route.page === "tx") return `Transaction ${route.hash.slice(0, 10)}…`;
  if (route.page === "address") return `Address ${route.address.slice(0, 10)}…`;
  if (route.page === "token") return `Token ${route.address.slice(0, 10)}…`;
  if (route.page === "search") return `Search ${route.q}`;
  if (route.page === "status") return "Pipeline status";
  if (route.page === "home") return "Latest blocks";
  if (route.page === "login") return "Sign in";
  if (route.page === "signup") return "Create an account";
  if (route.page === "watchlists") return "Watchlists";
  if (route.page === "exports") return "Exports";
  if (route.page === "wallet") return "Wallet";
  return "Not found";
}

export function App() {
  const location = useLocation();
  const route = matchRoute(location.pathname, location.search);
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(location.pathname);
  const title = `${titleOf(route)} · Chainlog`;
  useEffect(() => {
    document.title = title;
  }, [title]);
  // Move focus to the new page's content after a navigation: only when the path really changed since the last
  // page shown (not on first load, not when an effect runs twice, and not on every re-render: pages refresh their
  // data every few seconds, and a keyboard user must keep their place meanwhile).
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    main.current?.focus();
  }, [location.pathname]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          Chainlog
        </Link>
        <SearchBox />
        <AccountNav />
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading what="page" />}>
          <Page route={route} />
        </Suspense>
      </main>
    </>
  );
}
