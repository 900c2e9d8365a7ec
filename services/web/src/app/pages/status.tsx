import type { Health, IngestStatus, LakeStatus, PipelineStatus, ProcessorStatus } from "../api/routes.ts";
import { api } from "../api/routes.ts";
import { ErrorView, Fields, HashLink, Loading } from "../components/common.tsx";
import { formatAge, formatInteger, formatTimestamp } from "../format/units.ts";
import { useResource } from "../hooks/use-resource.ts";

const POLL_MS = 5000;
/** Reports come every few seconds; one this old means the reporter stopped (crashed, stuck, or scaled away). */
const STALE_MS = 30_000;

function HealthBadge({ health, name }: { health: Health; name: string }) {
  return (
    <span data-testid={`health-${name}`}>
      <span className={`badge ${health.ok ? "ok" : "fail"}`}>{health.ok ? "healthy" : "failing"}</span>
      {health.detail && <span className="muted"> {health.detail}</span>}
    </span>
  );
}

function Freshness({ updatedAt, generatedAt }: { updatedAt: number; generatedAt: number }) {
  const stale = generatedAt - updatedAt > STALE_MS;
  return (
    <span className={stale ? "badge fail" : "muted"}>
      {stale ? "stale: " : ""}reported {formatAge(updatedAt / 1000, generatedAt / 1000)}
    </span>
  );
}

function IngestView({ s, generatedAt }: { s: IngestStatus; generatedAt: number }) {
  return (
    <article className="card" aria-labelledby={`ingest-${s.instance}`} data-testid="ingest-instance">
      <h3 id={`ingest-${s.instance}`}>
        ingest <span className="mono">{s.instance}</span>{" "}
        {s.leader && <span className="badge ok">leader</span>}
      </h3>
      <p>
        <Freshness updatedAt={s.updatedAt} generatedAt={generatedAt} />
      </p>
      <Fields
        label={`Ingest ${s.instance}`}
        rows={[
          ["Pool head", s.head === null ? "—" : <HashLink key="h" kind="block" value={String(s.head)} />],
          ["Published", s.published === null ? "—" : formatInteger(s.published)],
          ["Ingest lag", s.lagBlocks === null ? "—" : `${formatInteger(s.lagBlocks)} block(s)`],
          ["Failovers", formatInteger(s.failovers)],
          ["Last progress", formatAge(s.lastProgressAt / 1000, generatedAt / 1000)],
          ...(s.blockedBy ? ([["Held up by", s.blockedBy]] as [string, string][]) : []),
        ]}
      />
      <div className="table-wrap">
        <table data-testid="endpoints">
          <caption>RPC endpoints, in priority order</caption>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Health</th>
              <th scope="col" className="num">
                Head
              </th>
              <th scope="col" className="num">
                Lag
              </th>
              <th scope="col" className="num">
                Latency
              </th>
              <th scope="col" className="num">
                Failures in a row
              </th>
              <th scope="col" className="num">
                Rate limit
              </th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {[...s.endpoints]
              .sort((a, b) => a.priority - b.priority)
              .map((e) => (
                <tr key={`${e.priority}:${e.label}`} data-endpoint={e.label}>
                  <td className="mono">{e.label}</td>
                  <td>
                    <span className={`badge ${e.healthy ? "ok" : "fail"}`}>
                      {e.healthy ? "healthy" : "down"}
                    </span>
                  </td>
                  <td className="num">{formatInteger(e.head)}</td>
                  <td className="num">{e.lag}</td>
                  <td className="num">{e.latencyMs.toFixed(0)} ms</td>
                  <td className="num">{e.consecutiveFailures}</td>
                  <td className="num">
                    {e.rateLimitRps === null ? "none" : `${e.rateLimitRps.toFixed(1)} rps`}
                  </td>
                  <td className="wrap">{e.lastError ?? "—"}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

function ProcessorTable({ items, generatedAt }: { items: ProcessorStatus[]; generatedAt: number }) {
  if (items.length === 0) return <p className="muted">No processor has reported in the last minute.</p>;
  return (
    <div className="table-wrap">
      <table data-testid="processors">
        <caption className="sr-only">Processor instances</caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col" className="num">
              Last block
            </th>
            <th scope="col" className="num">
              Consumer lag
            </th>
            <th scope="col" className="num">
              Blocks/s
            </th>
            <th scope="col" className="num">
              Rollbacks
            </th>
            <th scope="col" className="num">
              Enrichment lag
            </th>
            <th scope="col">Last progress</th>
            <th scope="col">Report</th>
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.instance}>
              <td className="mono">{p.instance}</td>
              <td className="num">
                {p.lastBlock === null ? "—" : <HashLink kind="block" value={String(p.lastBlock)} />}
              </td>
              <td className="num">{p.consumerLag === null ? "—" : formatInteger(p.consumerLag)}</td>
              <td className="num">{p.blocksPerSecond.toFixed(1)}</td>
              <td className="num">{p.rollbacks}</td>
              <td className="num">
                {p.enrichment?.lag === null || p.enrichment?.lag === undefined
                  ? "—"
                  : `${formatInteger(p.enrichment.lag)} message(s)`}
              </td>
              <td>{formatAge(p.lastProgressAt / 1000, generatedAt / 1000)}</td>
              <td>
                <Freshness updatedAt={p.updatedAt} generatedAt={generatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The lake sink: final blocks written as Parquet, and how many final blocks wait for it. */
function LakeTable({ items, generatedAt }: { items: LakeStatus[]; generatedAt: number }) {
  return (
    <div className="table-wrap">
      <table data-testid="lake">
        <caption className="sr-only">Lake sink instances</caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col" className="num">
              Written through
            </th>
            <th scope="col" className="num">
              Final height
            </th>
            <th scope="col" className="num">
              Lag (blocks)
            </th>
            <th scope="col" className="num">
              Blocks/s
            </th>
            <th scope="col">Lake</th>
            <th scope="col">Last progress</th>
            <th scope="col">Report</th>
          </tr>
        </thead>
        <tbody>
          {items.map((l) => (
            <tr key={l.instance}>
              <td className="mono">{l.instance}</td>
              <td className="num">
                {l.written === null ? "—" : <HashLink kind="block" value={String(l.written)} />}
              </td>
              <td className="num">
                {l.finalHeight === null ? "—" : `${formatInteger(l.finalHeight)} (${l.confirmations} conf.)`}
              </td>
              <td className="num">{l.lagBlocks === null ? "—" : formatInteger(l.lagBlocks)}</td>
              <td className="num">{l.blocksPerSecond.toFixed(1)}</td>
              <td className="mono">{l.location}</td>
              <td>{formatAge(l.lastProgressAt / 1000, generatedAt / 1000)}</td>
              <td>
                <Freshness updatedAt={l.updatedAt} generatedAt={generatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Summary({ s }: { s: PipelineStatus }) {
  return (
    <Fields
      label="Pipeline summary"
      rows={[
        ["Chain head", s.head === null ? "unknown (no ingest report)" : formatInteger(s.head)],
        [
          "Latest stored block",
          s.latestStored ? (
            <span key="l">
              <HashLink kind="block" value={String(s.latestStored.number)} />{" "}
              <span className="muted">({formatTimestamp(s.latestStored.timestamp)})</span>
            </span>
          ) : (
            "none yet"
          ),
        ],
        [
          "Index lag",
          <span key="i" data-testid="index-lag">
            {s.indexLagBlocks === null ? "—" : `${formatInteger(s.indexLagBlocks)} block(s)`}
          </span>,
        ],
        [
          "Stored, complete below",
          <span key="r" data-testid="raw-complete">
            {s.heights
              ? `block ${formatInteger(s.heights.raw)} (highest stored ${formatInteger(s.heights.highest)})`
              : "—"}
          </span>,
        ],
        [
          "Enriched, complete below",
          <span key="e" data-testid="enriched-complete">
            {s.heights ? `block ${formatInteger(s.heights.enriched)}` : "—"}
          </span>,
        ],
        [
          "Off on the node",
          <span key="f" data-testid="features-off">
            {s.featuresOff.length === 0
              ? "nothing"
              : s.featuresOff.map((f) => `${f.feature} (${f.service}): ${f.reason}`).join("; ")}
          </span>,
        ],
        ["Consumer lag", s.consumerLag === null ? "—" : `${formatInteger(s.consumerLag)} message(s)`],
        ["Store", <HealthBadge key="s" health={s.store} name="store" />],
        ["Metadata store", <HealthBadge key="m" health={s.metaStore} name="meta-store" />],
      ]}
    />
  );
}

export default function StatusPage() {
  const status = useResource((signal) => api.status(signal), "status", { pollMs: POLL_MS });
  const s = status.data;
  return (
    <>
      <h1>Pipeline status</h1>
      <p className="muted" aria-live="polite">
        {s
          ? `As of ${formatTimestamp(Math.floor(s.generatedAt / 1000))}, refreshed every ${POLL_MS / 1000} s.`
          : ""}
      </p>
      {status.error && <ErrorView error={status.error} what="pipeline status" retry={status.reload} />}
      {!s && !status.error && <Loading what="pipeline status" />}
      {s && (
        <>
          <Summary s={s} />
          <section aria-labelledby="ingest-h">
            <h2 id="ingest-h">Ingest ({s.ingest.length})</h2>
            {s.ingest.length === 0 ? (
              <p className="muted">No ingest instance has reported in the last minute.</p>
            ) : (
              s.ingest.map((i) => <IngestView key={i.instance} s={i} generatedAt={s.generatedAt} />)
            )}
          </section>
          <section aria-labelledby="processor-h">
            <h2 id="processor-h">Processor ({s.processor.length})</h2>
            <ProcessorTable items={s.processor} generatedAt={s.generatedAt} />
          </section>
          {s.lake && s.lake.length > 0 && (
            <section aria-labelledby="lake-h">
              <h2 id="lake-h">Lake ({s.lake.length})</h2>
              <LakeTable items={s.lake} generatedAt={s.generatedAt} />
            </section>
          )}
        </>
      )}
    </>
  );
}
