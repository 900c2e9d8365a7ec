import { describe, expect, it } from "vitest";
import { keyspacesAuthProvider, keyspacesSigV4Answer } from "./keyspaces-sigv4.ts";

type Callback = (error: Error | null, token?: Buffer) => void;
const call = (fn: (cb: Callback) => void) =>
  new Promise<Buffer>((resolve, reject) => fn((error, token) => (error ? reject(error) : resolve(token!))));

describe("Keyspaces SigV4", () => {
  it("signs the documented example of AWS's aws-sigv4-auth-cassandra-plugin to the same answer", () => {
    // The plugin's own documented vector (lib/sigv4-auth-signature.js, computeSigV4SignatureCassandraRequest).
    expect(
      keyspacesSigV4Answer({
        region: "us-west-2",
        nonce: "91703fdc2ef562e19fbdab0f58e42fe5",
        date: new Date(1591742511000),
        credentials: { accessKeyId: "UserID-1", secretAccessKey: "UserSecretKey-1" },
      }),
    ).toBe(
      "signature=7f3691c18a81b8ce7457699effbfae5b09b4e0714ab38c1292dbdf082c9ddd87,access_key=UserID-1,amzdate=2020-06-09T22:41:51.000Z",
    );
    // With a session token (IRSA): the same answer as the plugin 1.0.5 gave for these inputs.
    expect(
      keyspacesSigV4Answer({
        region: "us-east-1",
        nonce: "0123456789abcdef",
        date: new Date(1765000000000),
        credentials: {
          accessKeyId: "AKIAIOSFODNN7EXAMPLE",
          secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          sessionToken: "tok/en+=",
        },
      }),
    ).toBe(
      "signature=43a919786a3b02b187e2c13a68bd61509cd191429cbc65a3c62cf129974b6ba5,access_key=AKIAIOSFODNN7EXAMPLE,amzdate=2025-12-06T05:46:40.000Z,session_token=tok/en+=",
    );
  });

  it("answers the driver's handshake; a challenge without a nonce or a credential failure is an error", async () => {
    let asked = 0;
    const provider = keyspacesAuthProvider("eu-west-1", async () => {
      asked++;
      return { accessKeyId: "AKID", secretAccessKey: "secret" };
    });
    const auth = provider.newAuthenticator("cassandra.eu-west-1.amazonaws.com:9142", "SigV4");
    expect((await call((cb) => auth.initialResponse(cb))).toString()).toBe("SigV4\0\0");
    const answer = (
      await call((cb) => auth.evaluateChallenge(Buffer.from("nonce=abc123,x=y"), cb))
    ).toString();
    expect(answer).toMatch(/^signature=[0-9a-f]{64},access_key=AKID,amzdate=\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
    expect(answer).not.toContain("secret");
    expect(asked).toBe(1);
    await expect(call((cb) => auth.evaluateChallenge(Buffer.from("no nonce here"), cb))).rejects.toThrow(
      /nonce/,
    );
    const failing = keyspacesAuthProvider("eu-west-1", async () => {
      throw new Error("no AWS credentials in the chain");
    }).newAuthenticator("h:9142", "SigV4");
    await expect(call((cb) => failing.evaluateChallenge(Buffer.from("nonce=n"), cb))).rejects.toThrow(
      /no AWS credentials/,
    );
  });
});
