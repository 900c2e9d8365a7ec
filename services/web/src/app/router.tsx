import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

/** A few lines of History API routing: the app has a handful of flat routes, not worth a router library. */
const NAVIGATE = "chainlog:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocation(): URL {
  const href = useSyncExternalStore(subscribe, snapshot);
  return new URL(href, window.location.origin);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE));
  window.scrollTo(0, 0);
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    // Let the browser handle new-tab clicks and anything not a plain left click.
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}

export type Route =
  | { page: "home" }
  | { page: "block"; number: string }
  | { page: "tx"; hash: string }
  | { page: "address"; address: string }
  | { page: "token"; address: string }
  | { page: "search"; q: string }
  | { page: "status" }
  | { page: "login" }
  | { page: "signup" }
  | { page: "watchlists" }
  | { page: "exports" }
  | { page: "wallet" }
  | { page: "not-found" };

const SINGLE = new Set(["login", "signup", "watchlists", "exports", "status", "wallet"]);

export function matchRoute(pathname: string, search = ""): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (parts.length === 0) return { page: "home" };
  if (parts.length === 2 && first === "block" && second) return { page: "block", number: second };
  if (parts.length === 2 && first === "tx" && second) return { page: "tx", hash: second };
  if (parts.length === 2 && first === "address" && second) return { page: "address", address: second };
  if (parts.length === 2 && first === "token" && second) return { page: "token", address: second };
  if (parts.length === 1 && first === "search")
    return { page: "search", q: new URLSearchParams(search).get("q")?.trim() ?? "" };
  if (parts.length === 1 && first && SINGLE.has(first))
    return { page: first as "login" | "signup" | "watchlists" | "exports" | "status" | "wallet" };
  return { page: "not-found" };
}
