import { api } from "../api/routes.ts";
import { ErrorView, Fields, HashLink, Loading, Pager } from "../components/common.tsx";
import { TransactionTable } from "../components/tables.tsx";
import { formatGwei, formatInteger, formatPercent, formatTimestamp } from "../format/units.ts";
import { useCursorPages } from "../hooks/use-cursor-pages.ts";
import { useResource } from "../hooks/use-resource.ts";
import { Link } from "../router.tsx";

const PAGE_SIZE = 25;

export default function BlockPage({ number }: { number: string }) {
  const valid = /^\d+$/.test(number) && Number.isSafeInteger(Number(number));
  const block = useResource(
    (signal) =>
      valid
        ? api.block(number, signal)
        : Promise.reject(new Error("The block number must be a non-negative integer.")),
    number,
  );
  const pages = useCursorPages(number);
  const txs = useResource(
    (signal) =>
      valid ? api.blockTransactions(number, PAGE_SIZE, pages.cursor, signal) : Promise.resolve(null),
    `${number}:${pages.cursor}`,
  );
  const b = block.data;
  return (
    <>
      <h1>Block {number}</h1>
      {block.error && <ErrorView error={block.error} what="block" retry={block.reload} />}
      {block.loading && !b && <Loading what="block" />}
      {b && (
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
        </>
      )}
      {b && (
        <section aria-labelledby="block-txs">
          <h2 id="block-txs">Transactions</h2>
          {txs.error && <ErrorView error={txs.error} what="transactions" retry={txs.reload} />}
          {txs.loading && !txs.data && <Loading what="transactions" />}
          {txs.data && (
            <>
              <TransactionTable
                transactions={txs.data.items}
                caption={`Transactions in block ${number}`}
                showBlock={false}
              />
              <Pager
                label="Transaction pages"
                hasPrevious={pages.hasPrevious}
                nextCursor={txs.data.nextCursor}
                onPrevious={pages.previous}
                onNext={pages.next}
              />
            </>
          )}
        </section>
      )}
    </>
  );
}
