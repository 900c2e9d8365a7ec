import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { accountApi, type User } from "./api/account.ts";
import { ApiError } from "./api/client.ts";

interface SessionState {
  /** undefined while the first check runs; null when signed out. */
  user: User | null | undefined;
  setUser(user: User | null): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** Who is signed in, from the httpOnly session cookie that only query-api can read (asked via /v1/auth/me). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    accountApi.me(controller.signal).then(
      ({ user }) => setUser(user),
      (error: Error) => {
        if (error.name === "AbortError") return;
        // 401 is the ordinary signed-out answer; anything else leaves the page usable as a guest too.
        setUser(null);
        if (!(error instanceof ApiError && error.status === 401)) console.warn("session check failed", error);
      },
    );
    return () => controller.abort();
  }, []);
  const signOut = useCallback(async () => {
    await accountApi.logout();
    // The unlocked key goes with the session (loaded only if a wallet page ever ran).
    await import("./wallet/signer.ts").then((m) => m.lockWallet());
    setUser(null);
  }, []);
  const value = useMemo(() => ({ user, setUser, signOut }), [user, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
