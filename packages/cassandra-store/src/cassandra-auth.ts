import cassandra from "cassandra-driver";
import { CassandraConfigError } from "./errors.ts";
import { keyspacesAuthProvider } from "./keyspaces-sigv4.ts";

/** How the store authenticates to Cassandra. */
export type CassandraAuth =
  | { mechanism: "none" }
  | { mechanism: "password"; username: string; password: string }
  /** Amazon Keyspaces with the process's AWS credentials (IRSA on EKS); always over TLS. */
  | { mechanism: "aws-sigv4"; region: string };

/** Makes the driver's SigV4 auth provider; default Keyspaces' SigV4 with the AWS SDK's default credential chain. */
export type SigV4ProviderFactory = (region: string) => Promise<cassandra.auth.AuthProvider>;

export const awsSigV4Provider: SigV4ProviderFactory = async (region) => {
  const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
  return keyspacesAuthProvider(region, fromNodeProviderChain());
};

type Callback = (error: Error | null, token?: Buffer) => void;

/**
 * The AWS credential chain loads only when Keyspaces is used, but the driver asks for an
 * authenticator synchronously: this one waits for the real one inside the driver's asynchronous callbacks.
 */
function deferredAuthProvider(provider: Promise<cassandra.auth.AuthProvider>): cassandra.auth.AuthProvider {
  provider.catch(() => undefined);
  return {
    newAuthenticator(endpoint, name) {
      const inner = provider.then((p) => p.newAuthenticator(endpoint, name));
      const fail = (callback: Callback) => (error: unknown) =>
        callback(error instanceof Error ? error : new Error(String(error)));
      return {
        initialResponse(callback: Callback) {
          inner.then((a) => a.initialResponse(callback), fail(callback));
        },
        evaluateChallenge(challenge: Buffer, callback: Callback) {
          inner.then((a) => a.evaluateChallenge(challenge, callback), fail(callback));
        },
        onAuthenticationSuccess(token?: Buffer) {
          inner.then((a) => a.onAuthenticationSuccess(token)).catch(() => undefined);
        },
      };
    },
  };
}

/**
 * The driver options of an auth mode. Keyspaces takes only TLS connections (port 9142), its certificate from a
 * public CA Node already trusts; its host name must match, so the driver checks it.
 */
export function cassandraAuthOptions(
  auth: CassandraAuth,
  makeSigV4: SigV4ProviderFactory = awsSigV4Provider,
): Pick<cassandra.ClientOptions, "authProvider" | "sslOptions"> {
  switch (auth.mechanism) {
    case "none":
      return {};
    case "password":
      if (!auth.username)
        throw new CassandraConfigError("Cassandra password auth needs a username (CASSANDRA_USERNAME)");
      return { authProvider: new cassandra.auth.PlainTextAuthProvider(auth.username, auth.password) };
    case "aws-sigv4":
      if (!auth.region)
        throw new CassandraConfigError("CASSANDRA_AUTH=aws-sigv4 needs the AWS region (AWS_REGION)");
      return {
        authProvider: deferredAuthProvider(makeSigV4(auth.region)),
        sslOptions: { rejectUnauthorized: true },
      };
  }
}
