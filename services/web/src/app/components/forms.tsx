import { type FormEvent, type InputHTMLAttributes, type ReactNode, useId, useState } from "react";

/**
 * A form's submit: `action` runs on submit and answers a problem to show (a check that failed) or nothing when
 * it went through; an error it throws (the API's answer) is shown by its message. `busy` while it runs.
 */
export function useFormSubmit(action: () => Promise<string | undefined>) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      setProblem(await action());
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { problem, busy, submit };
}

/** A label and its text input, tied by an id of their own; `onValue` gets the text as typed. */
export function TextField({
  label,
  value,
  onValue,
  ...input
}: { label: ReactNode; value: string; onValue(value: string): void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "id" | "value" | "onChange"
>) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input {...input} id={id} value={value} onChange={(e) => onValue(e.target.value)} />
    </>
  );
}

export function FormProblem({ problem }: { problem: string | undefined }) {
  if (!problem) return null;
  return (
    <p className="notice error" role="alert">
      {problem}
    </p>
  );
}

/** The end of a form: its problem, if any, and a submit button that says what runs while it is busy. */
export function FormSubmit({
  problem,
  busy,
  label,
  busyLabel,
}: {
  problem: string | undefined;
  busy: boolean;
  label: string;
  busyLabel: string;
}) {
  return (
    <>
      <FormProblem problem={problem} />
      <button type="submit" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </>
  );
}
