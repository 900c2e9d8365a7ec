import { type FormEvent, useId, useState } from "react";
import { accountApi } from "../api/account.ts";
import { ApiError } from "../api/client.ts";
import { Link, navigate } from "../router.tsx";
import { useSession } from "../session.tsx";

/** Loaded with the sign-up only: the key is made and encrypted in this page, with the password just typed. */
async function createFundedWallet(password: string): Promise<void> {
  const [{ createWallet }, { walletApi }] = await Promise.all([
    import("../wallet/signer.ts"),
    import("../api/wallet.ts"),
  ]);
  await createWallet(password);
  // Devnet only: elsewhere the faucet says no, and the wallet page says why when asked.
  await walletApi.faucet().catch(() => undefined);
}

/** Sign-up and sign-in share one form: an e-mail, a password, and the API's answer in words. */
export default function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const id = useId();
  const { setUser } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<{ message: string; field?: "email" | "password" }>();
  const [busy, setBusy] = useState<string | false>(false);
  const signup = mode === "signup";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (signup && password.length < 8) {
      setProblem({ message: "The password needs at least 8 characters.", field: "password" });
      return;
    }
    setBusy(signup ? "Creating your account…" : "Signing in…");
    setProblem(undefined);
    try {
      const { user } = signup
        ? await accountApi.signup(email, password)
        : await accountApi.login(email, password);
      setUser(user);
      if (signup) {
        setBusy("Creating and encrypting your wallet in this page…");
        await createFundedWallet(password).catch((error: Error) =>
          console.warn("the wallet was not created; the wallet page offers it again", error.message),
        );
        navigate("/wallet");
      } else navigate("/watchlists");
    } catch (error) {
      const e = error as Error;
      if (e instanceof ApiError && e.status === 401) setProblem({ message: "Wrong e-mail or password." });
      else if (e instanceof ApiError && e.status === 409)
        setProblem({
          message: "An account with this e-mail exists already: sign in instead.",
          field: "email",
        });
      else if (e instanceof ApiError && e.parameter)
        setProblem({ message: e.message, field: e.parameter.includes("password") ? "password" : "email" });
      else setProblem({ message: e.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{signup ? "Create an account" : "Sign in"}</h1>
      <form className="stack-form" onSubmit={submit} noValidate>
        <label htmlFor={`${id}-email`}>E-mail</label>
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={problem?.field === "email" ? true : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
        />
        <label htmlFor={`${id}-password`}>Password{signup ? " (at least 8 characters)" : ""}</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete={signup ? "new-password" : "current-password"}
          required
          minLength={signup ? 8 : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={problem?.field === "password" ? true : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
        />
        {problem && (
          <p id={`${id}-problem`} className="notice error" role="alert">
            {problem.message}
          </p>
        )}
        <button type="submit" disabled={busy !== false}>
          {signup ? "Create account" : "Sign in"}
        </button>
        {busy && (
          <p className="muted" role="status">
            {busy}
          </p>
        )}
      </form>
      <p>
        {signup ? (
          <>
            Have an account? <Link href="/login">Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link href="/signup">Create an account</Link>
          </>
        )}
      </p>
    </>
  );
}
