import { useId, useMemo, useState } from "react";
import { accountApi, type User, type Watchlist } from "../api/account.ts";
import type { TokenTransfer, Transaction } from "../api/routes.ts";
import { HashLink, Loaded } from "../components/common.tsx";
import { FormProblem, useFormSubmit } from "../components/forms.tsx";
import { AccountPage } from "../components/sign-in-needed.tsx";
import { formatEth, formatInteger } from "../format/units.ts";
import { useEventStream } from "../hooks/use-event-stream.ts";
import { useResource } from "../hooks/use-resource.ts";
import { parseAddressList } from "../search/addresses.ts";

interface Alert {
  key: string;
  kind: "transaction" | "token_transfer";
  hash: string;
  from: string;
  to: string | null;
  amount: string;
  lists: string[];
}

const MAX_ALERTS = 50;

function CreateWatchlist({ onCreated }: { onCreated(): void }) {
  const id = useId();
  const [name, setName] = useState("");
  const [text, setText] = useState("");
  const { problem, submit } = useFormSubmit(async () => {
    const { addresses, invalid } = parseAddressList(text);
    if (!name.trim()) return "Give the watchlist a name.";
    if (invalid.length) return `Not addresses: ${invalid.slice(0, 3).join(", ")}`;
    if (!addresses.length) return "Add at least one address.";
    await accountApi.createWatchlist(name.trim(), addresses);
    setName("");
    setText("");
    onCreated();
    return undefined;
  });
  return (
    <form className="stack-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>New watchlist</h2>
      <label htmlFor={`${id}-name`}>Name</label>
      <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      <label htmlFor={`${id}-addresses`}>Addresses (one per line)</label>
      <textarea
        id={`${id}-addresses`}
        rows={4}
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        className="mono"
      />
      <FormProblem problem={problem} />
      <button type="submit">Create watchlist</button>
    </form>
  );
}

/** Alerts for every transaction or token transfer touching a watched address, from query-api's live stream. */
function LiveAlerts({ watchlists }: { watchlists: Watchlist[] }) {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const watched = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const w of watchlists) for (const a of w.addresses) map.set(a, [...(map.get(a) ?? []), w.name]);
    return map;
  }, [watchlists]);
  const state = useEventStream(
    watched.size > 0 ? "/v1/stream" : null,
    ["transaction", "token_transfer"],
    (type, data) => {
      const record = data as Transaction | TokenTransfer;
      const lists = [
        ...new Set([
          ...(watched.get(record.from) ?? []),
          ...(record.to ? (watched.get(record.to) ?? []) : []),
        ]),
      ];
      if (lists.length === 0) return;
      const transfer = type === "token_transfer" ? (record as TokenTransfer) : null;
      const alert: Alert = {
        key: transfer
          ? `${transfer.transactionHash}:${transfer.logIndex}:${transfer.batchIndex}`
          : (record as Transaction).hash,
        kind: transfer ? "token_transfer" : "transaction",
        hash: transfer ? transfer.transactionHash : (record as Transaction).hash,
        from: record.from,
        to: record.to,
        amount: transfer
          ? `${formatInteger(transfer.value)} of token ${transfer.token.slice(0, 10)}…`
          : formatEth((record as Transaction).value),
        lists,
      };
      setAlerts((previous) =>
        previous.some((a) => a.key === alert.key) ? previous : [alert, ...previous].slice(0, MAX_ALERTS),
      );
    },
  );
  return (
    <section aria-labelledby="alerts-h">
      <h2 id="alerts-h">Live alerts</h2>
      <p className="muted">
        {watched.size === 0
          ? "Add addresses to a watchlist to get alerts."
          : state === "open"
            ? `Watching ${watched.size} address(es) live.`
            : state === "connecting"
              ? "Connecting to the live stream…"
              : "The live stream is not available on this server."}
      </p>
      <ul className="alerts" aria-live="polite" data-testid="alerts">
        {alerts.map((a) => (
          <li key={a.key}>
            <span className="badge">{a.kind === "transaction" ? "Transaction" : "Token transfer"}</span>{" "}
            <HashLink kind="tx" value={a.hash} /> from <HashLink kind="address" value={a.from} /> to{" "}
            {a.to ? <HashLink kind="address" value={a.to} /> : "a new contract"}: {a.amount}{" "}
            <span className="muted">({a.lists.join(", ")})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function WatchlistsPage() {
  return <AccountPage title="Watchlists" what="watchlists" page={Watchlists} />;
}

function Watchlists({ user }: { user: User }) {
  const [version, setVersion] = useState(0);
  const lists = useResource((signal) => accountApi.watchlists(signal), `${user.id}:${version}`);
  const refresh = () => setVersion((v) => v + 1);
  const items = lists.data?.items ?? [];
  return (
    <>
      <Loaded resource={lists} what="watchlists">
        {(data) => data.items.length === 0 && <p className="muted">No watchlists yet.</p>}
      </Loaded>
      {items.map((w) => (
        <article key={w.id} className="card" aria-labelledby={`w-${w.id}`}>
          <h2 id={`w-${w.id}`}>{w.name}</h2>
          <ul>
            {w.addresses.map((a) => (
              <li key={a}>
                <HashLink kind="address" value={a} full />
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="secondary"
            onClick={() => accountApi.deleteWatchlist(w.id).then(refresh, refresh)}
            aria-label={`Delete watchlist ${w.name}`}
          >
            Delete
          </button>
        </article>
      ))}
      <LiveAlerts watchlists={items} />
      <CreateWatchlist onCreated={refresh} />
    </>
  );
}
