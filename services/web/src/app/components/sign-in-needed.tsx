import { Link } from "../router.tsx";

export function SignInNeeded({ what }: { what: string }) {
  return (
    <p className="notice">
      <Link href="/login">Sign in</Link> or <Link href="/signup">create an account</Link> to use {what}.
    </p>
  );
}
