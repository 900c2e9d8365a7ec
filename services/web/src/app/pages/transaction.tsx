import type { TransactionDetailResponse } from "@chainlog/tx-schema";
import type { ReactNode } from "react";
import { api, type Log, type Receipt } from "../api/routes.ts";
import { Fields, HashLink, Loaded, Section } from "../components/common.tsx";
import { ApprovalTable, CreationTable, SwapTable, WethTable } from "../components/events.tsx";
import { InternalTable } from "../components/internal.tsx";
import { TransferTable } from "../components/tables.tsx";
import { formatEth, formatGwei, formatInteger } from "../format/units.ts";
import { unlessInvalid, useResource } from "../hooks/use-resource.ts";

const TYPE_NAMES: Record<number, string> = {
  0: "0 (legacy)",
  1: "1 (EIP-2930 access list)",
  2: "2 (EIP-1559)",
  3: "3 (EIP-4844 blob)",
  4: "4 (EIP-7702 set code)",
};

function Status({ receipt }: { receipt: Receipt | null }) {
  if (!receipt) return <span className="badge">no receipt</span>;
  if (receipt.status === 1) return <span className="badge ok">Success</span>;
  if (receipt.status === 0) return <span className="badge fail">Failed (reverted)</span>;
  return <span className="badge">pre-Byzantium (root {receipt.root})</span>;
}

function LogList({ logs }: { logs: Log[] }) {
  if (logs.length === 0) return <p className="muted">This transaction emitted no logs.</p>;
  return (
    <ol className="logs">
      {logs.map((log) => (
        <li key={log.logIndex} data-log-index={log.logIndex}>
          <Fields
            label={`Log ${log.logIndex}`}
            rows={[
              ["Log index", log.logIndex],
              ["Address", <HashLink key="a" kind="address" value={log.address} full />],
              ...log.topics.map((topic, i): [string, ReactNode] => [
                `Topic ${i}`,
                <span key={topic} className="mono break">
                  {topic}
                </span>,
              ]),
              [
                "Data",
                <span key="d" className="mono break">
                  {log.data === "0x" ? "(empty)" : log.data}
                </span>,
              ],
            ]}
          />
        </li>
      ))}
    </ol>
  );
}

/** A transaction's fields, then what it did: swaps, transfers, approvals, wraps, internal calls, creations, logs. */
function TransactionDetail({ detail: d }: { detail: TransactionDetailResponse }) {
  const tx = d.transaction;
  const receipt = d.receipt;
  const fee =
    receipt && receipt.effectiveGasPrice !== null
      ? BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)
      : null;
  return (
    <>
      <Fields
        label="Transaction fields"
        rows={[
          ["Status", <Status key="s" receipt={receipt} />],
          ["Block", <HashLink key="b" kind="block" value={String(tx.blockNumber)} />],
          ["Index in block", tx.transactionIndex],
          ["From", <HashLink key="f" kind="address" value={tx.from} full />],
          [
            "To",
            tx.to ? (
              <HashLink key="t" kind="address" value={tx.to} full />
            ) : receipt?.contractAddress ? (
              <span key="c">
                Contract created: <HashLink kind="address" value={receipt.contractAddress} full />
              </span>
            ) : (
              "Contract creation"
            ),
          ],
          [
            "Value",
            <span key="v" data-wei={tx.value}>
              {formatEth(tx.value)}
            </span>,
          ],
          ["Transaction fee", fee === null ? "—" : formatEth(fee)],
          ["Gas limit", formatInteger(tx.gas)],
          ["Gas used", receipt ? formatInteger(receipt.gasUsed) : "—"],
          ["Effective gas price", receipt?.effectiveGasPrice ? formatGwei(receipt.effectiveGasPrice) : "—"],
          ...(tx.maxFeePerGas !== null
            ? ([
                ["Max fee per gas", formatGwei(tx.maxFeePerGas)],
                ["Max priority fee", formatGwei(tx.maxPriorityFeePerGas ?? "0")],
              ] as [string, ReactNode][])
            : tx.gasPrice !== null
              ? ([["Gas price", formatGwei(tx.gasPrice)]] as [string, ReactNode][])
              : []),
          ["Nonce", tx.nonce],
          ["Type", TYPE_NAMES[tx.type] ?? String(tx.type)],
          [
            "Input data",
            <span key="i" className="mono break input">
              {tx.input === "0x" ? "(none)" : tx.input}
            </span>,
          ],
        ]}
      />
      {d.swaps && d.swaps.length > 0 && (
        <Section id="tx-swaps" title={`Swaps (${d.swaps.length})`}>
          <SwapTable swaps={d.swaps} tokens={d.tokens} caption="Swaps in this transaction" />
        </Section>
      )}
      <Section id="tx-transfers" title={`Token transfers (${d.tokenTransfers.length})`}>
        <TransferTable
          transfers={d.tokenTransfers}
          tokens={d.tokens}
          caption="Token transfers in this transaction"
        />
      </Section>
      {d.approvals && d.approvals.length > 0 && (
        <Section id="tx-approvals" title={`Approvals (${d.approvals.length})`}>
          <ApprovalTable approvals={d.approvals} tokens={d.tokens} />
        </Section>
      )}
      {d.wethEvents && d.wethEvents.length > 0 && (
        <Section id="tx-weth" title={`WETH wraps and unwraps (${d.wethEvents.length})`}>
          <WethTable events={d.wethEvents} tokens={d.tokens} />
        </Section>
      )}
      <Section id="tx-internal" title={`Internal transactions (${d.internalTransactions?.length ?? 0})`}>
        {d.traces && d.traces !== "done" && d.traces !== "none" && (
          <p className="muted" data-testid="traces-state">
            {d.traces === "pending"
              ? "This block's call traces are not in yet."
              : d.traces === "off"
                ? "Call traces are off for this block (the node cannot trace, or traces are turned off)."
                : "The node could not trace this block."}
          </p>
        )}
        <InternalTable calls={d.internalTransactions ?? []} caption="Calls made by this transaction" />
      </Section>
      {d.contractCreations && d.contractCreations.length > 0 && (
        <Section id="tx-creations" title={`Contracts created (${d.contractCreations.length})`}>
          <CreationTable creations={d.contractCreations} />
        </Section>
      )}
      <Section id="tx-logs" title={`Logs (${d.logs.length})`}>
        <LogList logs={d.logs} />
      </Section>
    </>
  );
}

export default function TransactionPage({ hash }: { hash: string }) {
  const detail = useResource(
    unlessInvalid(
      /^0x[0-9a-fA-F]{64}$/.test(hash) ? null : "A transaction hash is 0x and 64 hex digits.",
      (signal) => api.transaction(hash, signal),
    ),
    hash,
  );
  return (
    <>
      <h1>Transaction</h1>
      <p className="mono break" data-testid="tx-hash">
        {hash}
      </p>
      <Loaded resource={detail} what="transaction">
        {(d) => <TransactionDetail detail={d} />}
      </Loaded>
    </>
  );
}
