import { type FormEvent, useEffect, useId, useState } from "react";
import { accountApi, type Job } from "../api/account.ts";
import { ErrorView, HashLink, Loading } from "../components/common.tsx";
import { SignInNeeded } from "../components/sign-in-needed.tsx";
import { formatTimestamp } from "../format/units.ts";
import { useResource } from "../hooks/use-resource.ts";
import { useSession } from "../session.tsx";

const ACTIVE = new Set(["queued", "running"]);

function NewExport({ onCreated }: { onCreated(): void }) {
  const id = useId();
  const [address, setAddress] = useState("");
  const [format, setFormat] = useState<"csv" | "json">("csv");
  const [problem, setProblem] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const a = address.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(a)) return setProblem("An address is 0x and 40 hex digits.");
    try {
      await accountApi.createExport(a.toLowerCase(), format);
      setAddress("");
      setProblem(undefined);
      onCreated();
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return (
    <form className="stack-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Export an address's transactions</h2>
      <label htmlFor={`${id}-address`}>Address</label>
      <input
        id={`${id}-address`}
        className="mono"
        value={address}
        onChange={(e) => setAddress(e.target.value)}
        spellCheck={false}
        aria-invalid={problem ? true : undefined}
      />
      <label htmlFor={`${id}-format`}>Format</label>
      <select
        id={`${id}-format`}
        value={format}
        onChange={(e) => setFormat(e.target.value as "csv" | "json")}
      >
        <option value="csv">CSV</option>
        <option value="json">JSON</option>
      </select>
      {problem && (
        <p className="notice error" role="alert">
          {problem}
        </p>
      )}
      <button type="submit">Start export</button>
    </form>
  );
}

function JobRow({ job, onChange }: { job: Job; onChange(): void }) {
  const address = typeof job.params.address === "string" ? job.params.address : null;
  const percent = Math.round(job.progress * 100);
  return (
    <tr data-job={job.id} data-status={job.status}>
      <td>{address ? <HashLink kind="address" value={address} /> : job.kind}</td>
      <td>{String(job.params.format ?? "")}</td>
      <td>{formatTimestamp(Math.floor(job.createdAt / 1000))}</td>
      <td>
        <span className="badge">{job.status}</span>
        {job.error && <span className="muted"> {job.error}</span>}
      </td>
      <td>
        <progress max={100} value={percent} aria-label={`Progress of export ${job.id}`}>
          {percent}%
        </progress>{" "}
        {percent}%
      </td>
      <td>
        {job.status === "done" && (
          <a href={accountApi.jobResultUrl(job.id)} download>
            Download
          </a>
        )}
        {ACTIVE.has(job.status) && (
          <button
            type="button"
            className="secondary"
            onClick={() => accountApi.cancelJob(job.id).then(onChange, onChange)}
          >
            Cancel
          </button>
        )}
      </td>
    </tr>
  );
}

export default function ExportsPage() {
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const [active, setActive] = useState(false);
  const jobs = useResource(
    (signal) => (user ? accountApi.jobs(signal) : Promise.resolve({ items: [] as Job[] })),
    `${user?.id ?? ""}:${version}`,
    // Progress moves on the server: refresh while anything is still queued or running.
    { pollMs: active ? 1000 : 0 },
  );
  const anyActive = (jobs.data?.items ?? []).some((job) => ACTIVE.has(job.status));
  useEffect(() => setActive(anyActive), [anyActive]);
  const refresh = () => setVersion((v) => v + 1);
  if (user === undefined) return <Loading what="your account" />;
  if (user === null)
    return (
      <>
        <h1>Exports</h1>
        <SignInNeeded what="exports" />
      </>
    );
  const items = jobs.data?.items ?? [];
  return (
    <>
      <h1>Exports</h1>
      <NewExport onCreated={refresh} />
      <h2>Your export jobs</h2>
      {jobs.error && <ErrorView error={jobs.error} what="export jobs" retry={jobs.reload} />}
      {!jobs.data && !jobs.error && <Loading what="export jobs" />}
      {jobs.data && items.length === 0 && <p className="muted">No exports yet.</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Your export jobs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Format</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {[...items]
                .sort((a, b) => b.createdAt - a.createdAt)
                .map((job) => (
                  <JobRow key={job.id} job={job} onChange={refresh} />
                ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
