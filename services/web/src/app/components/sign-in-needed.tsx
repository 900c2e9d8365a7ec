import type { ComponentType } from "react";
import type { User } from "../api/account.ts";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";
import { Loading } from "./common.tsx";

export function SignInNeeded({ what }: { what: string }) {
  return (
    <p className="notice">
      <Link href="/login">Sign in</Link> or <Link href="/signup">create an account</Link> to use {what}.
    </p>
  );
}

/**
 * A page of the signed-in user's own things: "Loading your account…" until the session is known, the sign-in
 * prompt under the title when signed out, else the title and the page for that user.
 */
export function AccountPage({
  title,
  what,
  page: Page,
}: {
  title: string;
  what: string;
  page: ComponentType<{ user: User }>;
}) {
  const { user } = useSession();
  if (user === undefined) return <Loading what="your account" />;
  return (
    <>
      <h1>{title}</h1>
      {user === null ? <SignInNeeded what={what} /> : <Page user={user} />}
    </>
  );
}
