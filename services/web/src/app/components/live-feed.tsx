import { useState } from "react";
import type { Transaction } from "../api/routes.ts";
import { formatEth } from "../format/units.ts";
import { useEventStream } from "../hooks/use-event-stream.ts";
import { HashLink } from "./common.tsx";

const KEEP = 15;

/** Transactions as query-api's live stream delivers them, newest on top. */
export function LiveFeed({ onBlock }: { onBlock?(blockNumber: number): void }) {
  const [txs, setTxs] = useState<Transaction[]>([]);
  const state = useEventStream("/v1/stream?type=transaction", ["transaction"], (_type, data) => {
    const tx = data as Transaction;
    onBlock?.(tx.blockNumber);
    setTxs((previous) =>
      previous.some((t) => t.hash === tx.hash) ? previous : [tx, ...previous].slice(0, KEEP),
    );
  });
  if (state === "unavailable") return null;
  return (
    <section aria-labelledby="live-h">
      <h2 id="live-h">Live transactions</h2>
      <p className="muted">{state === "open" ? "Streaming as blocks are processed." : "Connecting…"}</p>
      <ul className="live" data-testid="live-feed">
        {txs.map((tx) => (
          <li key={tx.hash}>
            <HashLink kind="tx" value={tx.hash} /> block{" "}
            <HashLink kind="block" value={String(tx.blockNumber)} />{" "}
            <HashLink kind="address" value={tx.from} /> →{" "}
            {tx.to ? <HashLink kind="address" value={tx.to} /> : "create"} {formatEth(tx.value)}
          </li>
        ))}
      </ul>
    </section>
  );
}
