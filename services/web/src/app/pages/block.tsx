import { api } from "../api/routes.ts";
import { Fields, HashLink, Loaded, PagedView, Section } from "../components/common.tsx";
import { TransactionTable } from "../components/tables.tsx";
import { formatGwei, formatInteger, formatPercent, formatTimestamp } from "../format/units.ts";
import { usePagedResource } from "../hooks/use-cursor-pages.ts";
import { unlessInvalid, useResource } from "../hooks/use-resource.ts";
import { Link } from "../router.tsx";

const PAGE_SIZE = 25;

export default function BlockPage({ number }: { number: string }) {
  const problem =
    /^\d+$/.test(number) && Number.isSafeInteger(Number(number))
      ? null
      : "The block number must be a non-negative integer.";
  const block = useResource(
    unlessInvalid(problem, (signal) => api.block(number, signal)),
    number,
  );
  const txs = usePagedResource(
    unlessInvalid(problem, (cursor, signal) => api.blockTransactions(number, PAGE_SIZE, cursor, signal)),
    number,
  );
  return (
    <>
      <h1>Block {number}</h1>
      <Loaded resource={block} what="block">
        {(b) => (
          <>
            <nav className="pager" aria-label="Neighbouring blocks">
              {b.number > 0 && <Link href={`/block/${b.number - 1}`}>← Block {b.number - 1}</Link>}
              <Link href={`/block/${b.number + 1}`}>Block {b.number + 1} →</Link>
            </nav>
            <Fields
              label="Block header"
              rows={[
                ["Number", b.number],
                [
                  "Hash",
                  <span className="mono break" key="h">
                    {b.hash}
                  </span>,
                ],
                [
                  "Parent hash",
                  b.number > 0 ? (
                    <Link key="p" href={`/block/${b.number - 1}`} className="mono break">
                      {b.parentHash}
                    </Link>
                  ) : (
                    <span key="p" className="mono break">
                      {b.parentHash}
                    </span>
                  ),
                ],
                ["Timestamp", formatTimestamp(b.timestamp)],
                ["Transactions", b.transactionCount],
                ["Fee recipient", <HashLink key="m" kind="address" value={b.miner} full />],
                ["Gas used", `${formatInteger(b.gasUsed)} (${formatPercent(b.gasUsed, b.gasLimit)})`],
                ["Gas limit", formatInteger(b.gasLimit)],
                ["Base fee", b.baseFeePerGas === null ? "—" : formatGwei(b.baseFeePerGas)],
                ["Size", b.size === null ? "—" : `${formatInteger(b.size)} bytes`],
                [
                  "Extra data",
                  <span className="mono break" key="x">
                    {b.extraData}
                  </span>,
                ],
                [
                  "State root",
                  <span className="mono break" key="s">
                    {b.stateRoot}
                  </span>,
                ],
              ]}
            />
            <Section id="block-txs" title="Transactions">
              <PagedView paged={txs} what="transactions" pagerLabel="Transaction pages">
                {(page) => (
                  <TransactionTable
                    transactions={page.items}
                    caption={`Transactions in block ${number}`}
                    showBlock={false}
                  />
                )}
              </PagedView>
            </Section>
          </>
        )}
      </Loaded>
    </>
  );
}
