import { useEffect, useId, useState } from "react";
import { accountApi, type Job, type User } from "../api/account.ts";
import { HashLink, Loaded } from "../components/common.tsx";
import { type Column, DataTable } from "../components/data-table.tsx";
import { FormProblem, TextField, useFormSubmit } from "../components/forms.tsx";
import { AccountPage } from "../components/sign-in-needed.tsx";
import { formatTimestamp } from "../format/units.ts";
import { useResource } from "../hooks/use-resource.ts";

const ACTIVE = new Set(["queued", "running"]);

function NewExport({ onCreated }: { onCreated(): void }) {
  const id = useId();
  const [address, setAddress] = useState("");
  const [format, setFormat] = useState<"csv" | "json">("csv");
  const { problem, submit } = useFormSubmit(async () => {
    const a = address.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(a)) return "An address is 0x and 40 hex digits.";
    await accountApi.createExport(a.toLowerCase(), format);
    setAddress("");
    onCreated();
    return undefined;
  });
  return (
    <form className="stack-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Export an address's transactions</h2>
      <TextField
        label="Address"
        className="mono"
        value={address}
        onValue={setAddress}
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
      <FormProblem problem={problem} />
      <button type="submit">Start export</button>
    </form>
  );
}

function jobColumns(onChange: () => void): Column<Job>[] {
  const percent = (job: Job) => Math.round(job.progress * 100);
  return [
    {
      header: "Address",
      cell: (job) =>
        typeof job.params.address === "string" ? (
          <HashLink kind="address" value={job.params.address} />
        ) : (
          job.kind
        ),
    },
    { header: "Format", cell: (job) => String(job.params.format ?? "") },
    { header: "Created", cell: (job) => formatTimestamp(Math.floor(job.createdAt / 1000)) },
    {
      header: "Status",
      cell: (job) => (
        <>
          <span className="badge">{job.status}</span>
          {job.error && <span className="muted"> {job.error}</span>}
        </>
      ),
    },
    {
      header: "Progress",
      cell: (job) => (
        <>
          <progress max={100} value={percent(job)} aria-label={`Progress of export ${job.id}`}>
            {percent(job)}%
          </progress>{" "}
          {percent(job)}%
        </>
      ),
    },
    {
      header: "Result",
      cell: (job) => (
        <>
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
        </>
      ),
    },
  ];
}

export default function ExportsPage() {
  return <AccountPage title="Exports" what="exports" page={Exports} />;
}

function Exports({ user }: { user: User }) {
  const [version, setVersion] = useState(0);
  const [active, setActive] = useState(false);
  const jobs = useResource(
    (signal) => accountApi.jobs(signal),
    `${user.id}:${version}`,
    // Progress moves on the server: refresh while anything is still queued or running.
    { pollMs: active ? 1000 : 0 },
  );
  const anyActive = (jobs.data?.items ?? []).some((job) => ACTIVE.has(job.status));
  useEffect(() => setActive(anyActive), [anyActive]);
  const refresh = () => setVersion((v) => v + 1);
  return (
    <>
      <NewExport onCreated={refresh} />
      <h2>Your export jobs</h2>
      <Loaded resource={jobs} what="export jobs">
        {(data) => (
          <DataTable
            rows={[...data.items].sort((a, b) => b.createdAt - a.createdAt)}
            rowKey={(job) => job.id}
            rowAttributes={(job) => ({ "data-job": job.id, "data-status": job.status })}
            caption="Your export jobs, newest first"
            empty="No exports yet."
            columns={jobColumns(refresh)}
          />
        )}
      </Loaded>
    </>
  );
}
