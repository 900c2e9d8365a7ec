import cassandra from "cassandra-driver";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cassandraAuthOptions } from "./cassandra-auth.ts";

type Callback = (error: Error | null, token?: Buffer) => void;
const call = (fn: (cb: Callback) => void) =>
  new Promise<Buffer>((resolve, reject) => fn((error, token) => (error ? reject(error) : resolve(token!))));

describe("Cassandra auth (CASSANDRA_AUTH)", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("none: no provider; password: the driver's PasswordAuthenticator credentials", async () => {
    expect(cassandraAuthOptions({ mechanism: "none" })).toEqual({});
    const { authProvider, sslOptions } = cassandraAuthOptions({
      mechanism: "password",
      username: "chainlog",
      password: "s3cret",
    });
    expect(authProvider).toBeInstanceOf(cassandra.auth.PlainTextAuthProvider);
    expect(sslOptions).toBeUndefined();
    const auth = authProvider!.newAuthenticator(
      "127.0.0.1:9042",
      "org.apache.cassandra.auth.PasswordAuthenticator",
    );
    // SASL PLAIN: \0user\0password
    expect((await call((cb) => auth.initialResponse(cb))).toString()).toBe("\0chainlog\0s3cret");
    expect(() => cassandraAuthOptions({ mechanism: "password", username: "", password: "x" })).toThrow(
      /CASSANDRA_USERNAME/,
    );
  });

  it("aws-sigv4: TLS with host check, and the default credential chain answers Keyspaces' nonce with a SigV4 signature", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    vi.stubEnv("AWS_PROFILE", "");
    const { authProvider, sslOptions } = cassandraAuthOptions({
      mechanism: "aws-sigv4",
      region: "us-east-1",
    });
    expect(sslOptions).toEqual({ rejectUnauthorized: true });
    const auth = authProvider!.newAuthenticator("cassandra.us-east-1.amazonaws.com:9142", "SigV4");
    expect((await call((cb) => auth.initialResponse(cb))).toString()).toBe("SigV4\0\0");
    const answer = (
      await call((cb) => auth.evaluateChallenge(Buffer.from("nonce=0123456789abcdef"), cb))
    ).toString();
    expect(answer).toMatch(
      /^signature=[0-9a-f]{64},access_key=AKIAIOSFODNN7EXAMPLE,amzdate=\d{4}-\d{2}-\d{2}T/,
    );
    expect(answer).not.toContain("wJalrXUtnFEMI");
  }, 30_000);

  it("a plugin that fails to load fails the authentication with its error, not the process", async () => {
    const { authProvider } = cassandraAuthOptions(
      { mechanism: "aws-sigv4", region: "us-east-1" },
      async () => {
        throw new Error("no AWS credentials");
      },
    );
    const auth = authProvider!.newAuthenticator("cassandra.us-east-1.amazonaws.com:9142", "SigV4");
    await expect(call((cb) => auth.initialResponse(cb))).rejects.toThrow(/no AWS credentials/);
    expect(() => cassandraAuthOptions({ mechanism: "aws-sigv4", region: "" })).toThrow(/AWS_REGION/);
  });
});
