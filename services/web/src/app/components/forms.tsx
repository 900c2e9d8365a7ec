import { type FormEvent, useState } from "react";

/**
 * A form's submit: `action` runs on submit and answers a problem to show (a check that failed) or nothing when
 * it went through; an error it throws (the API's answer) is shown by its message.
 */
export function useFormSubmit(action: () => Promise<string | undefined>) {
  const [problem, setProblem] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setProblem(await action());
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return { problem, submit };
}

export function FormProblem({ problem }: { problem: string | undefined }) {
  if (!problem) return null;
  return (
    <p className="notice error" role="alert">
      {problem}
    </p>
  );
}
