import type { Health, IngestStatus, LakeStatus, PipelineStatus, ProcessorStatus } from "../api/routes.ts";
import { api } from "../api/routes.ts";
import { Fields, HashLink, Loaded, Section } from "../components/common.tsx";
import { type Column, columnsOf, DataTable, hashColumn } from "../components/data-table.tsx";
import { formatPermanentErrors, formatTraces } from "../format/status.ts";
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
      <DataTable
        rows={[...s.endpoints].sort((a, b) => a.priority - b.priority)}
        testId="endpoints"
        rowKey={(e) => `${e.priority}:${e.label}`}
        rowAttributes={(e) => ({ "data-endpoint": e.label })}
        caption="RPC endpoints, in priority order"
        captionShown
        columns={columnsOf<IngestStatus["endpoints"][number]>(
          { header: "Endpoint", className: "mono", cell: (e) => e.label },
          {
            header: "Health",
            cell: (e) => (
              <span className={`badge ${e.healthy ? "ok" : "fail"}`}>{e.healthy ? "healthy" : "down"}</span>
            ),
          },
          { header: "Head", num: true, cell: (e) => formatInteger(e.head) },
          { header: "Lag", num: true, cell: (e) => e.lag },
          { header: "Latency", num: true, cell: (e) => `${e.latencyMs.toFixed(0)} ms` },
          { header: "Failures in a row", num: true, cell: (e) => e.consecutiveFailures },
          {
            header: "Rate limit",
            num: true,
            cell: (e) => (e.rateLimitRps === null ? "none" : `${e.rateLimitRps.toFixed(1)} rps`),
          },
          { header: "Last error", className: "wrap", cell: (e) => e.lastError ?? "—" },
        )}
      />
    </article>
  );
}

/** A count, or a dash where the reporter does not know it. */
function countOr(n: number | null | undefined, unit = ""): string {
  return n === null || n === undefined ? "—" : `${formatInteger(n)}${unit}`;
}

/** What an instance table shows of one kind of service, besides the columns every instance has. */
interface InstanceTableSpec<T> {
  columns: Column<T>[];
  testId: string;
  caption: string;
  empty?: string;
}

const processorColumns: Column<ProcessorStatus>[] = [
  { ...hashColumn("Last block", "block", (p) => p.lastBlock), num: true },
  { header: "Consumer lag", num: true, cell: (p) => countOr(p.consumerLag) },
  { header: "Blocks/s", num: true, cell: (p) => p.blocksPerSecond.toFixed(1) },
  { header: "Rollbacks", num: true, cell: (p) => p.rollbacks },
  { header: "Enrichment lag", num: true, cell: (p) => countOr(p.enrichment?.lag, " message(s)") },
];

const processorTable: InstanceTableSpec<ProcessorStatus> = {
  columns: processorColumns,
  testId: "processors",
  caption: "Processor instances",
  empty: "No processor has reported in the last minute.",
};

/** The lake sink: final blocks written as Parquet, and how many final blocks wait for it. */
const lakeColumns: Column<LakeStatus>[] = [
  { ...hashColumn("Written through", "block", (l) => l.written), num: true },
  {
    header: "Final height",
    num: true,
    cell: (l) => (l.finalHeight === null ? "—" : `${countOr(l.finalHeight)} (${l.confirmations} conf.)`),
  },
  { header: "Lag (blocks)", num: true, cell: (l) => countOr(l.lagBlocks) },
  { header: "Blocks/s", num: true, cell: (l) => l.blocksPerSecond.toFixed(1) },
  { header: "Lake", className: "mono", cell: (l) => l.location },
];

const lakeTable: InstanceTableSpec<LakeStatus> = {
  columns: lakeColumns,
  testId: "lake",
  caption: "Lake sink instances",
};

/** The instances of one kind of service, a row each, with when each last moved and last reported. */
function InstanceTable<T extends { instance: string; lastProgressAt: number; updatedAt: number }>({
  items,
  generatedAt,
  spec: { columns, ...table },
}: {
  items: T[];
  generatedAt: number;
  spec: InstanceTableSpec<T>;
}) {
  return (
    <DataTable
      rows={items}
      rowKey={(r) => r.instance}
      columns={[
        { header: "Instance", className: "mono", cell: (r) => r.instance },
        ...columns,
        { header: "Last progress", cell: (r) => formatAge(r.lastProgressAt / 1000, generatedAt / 1000) },
        { header: "Report", cell: (r) => <Freshness updatedAt={r.updatedAt} generatedAt={generatedAt} /> },
      ]}
      {...table}
    />
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
        [
          "Call traces",
          <span key="t" data-testid="traces">
            {formatTraces(s.traces)}
          </span>,
        ],
        [
          "Permanent RPC errors",
          <span key="p" data-testid="permanent-errors">
            {formatPermanentErrors(s.permanentErrors)}
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
      <Loaded resource={status} what="pipeline status">
        {(s) => (
          <>
            <Summary s={s} />
            <Section id="ingest-h" title={`Ingest (${s.ingest.length})`}>
              {s.ingest.length === 0 ? (
                <p className="muted">No ingest instance has reported in the last minute.</p>
              ) : (
                s.ingest.map((i) => <IngestView key={i.instance} s={i} generatedAt={s.generatedAt} />)
              )}
            </Section>
            <Section id="processor-h" title={`Processor (${s.processor.length})`}>
              <InstanceTable items={s.processor} generatedAt={s.generatedAt} spec={processorTable} />
            </Section>
            {s.lake && s.lake.length > 0 && (
              <Section id="lake-h" title={`Lake (${s.lake.length})`}>
                <InstanceTable items={s.lake} generatedAt={s.generatedAt} spec={lakeTable} />
              </Section>
            )}
          </>
        )}
      </Loaded>
    </>
  );
}
