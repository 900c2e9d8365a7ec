import { createHash, createHmac } from "node:crypto";
import type cassandra from "cassandra-driver";
import { KeyspacesAuthError } from "./errors.ts";

/**
 * Amazon Keyspaces' SigV4 authentication, as AWS's aws-sigv4-auth-cassandra-plugin defines it: the client asks
 * for "SigV4", the server answers a nonce, the client answers a SigV4 signature of a fixed pseudo-request
 * (`PUT /authenticate`, service `cassandra`) over the nonce's hash. Written here on node:crypto because that
 * plugin pulls the whole AWS SDK v2 (101 MB) into every image that carries the store.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type AwsCredentialSource = () => Promise<AwsCredentials>;

const SERVICE = "cassandra";
const ALGORITHM = "AWS4-HMAC-SHA256";

const sha256Hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s, "utf8").digest();

/** The answer to a Keyspaces SigV4 challenge: `signature=…,access_key=…,amzdate=…[,session_token=…]`. */
export function keyspacesSigV4Answer(p: {
  region: string;
  nonce: string;
  date: Date;
  credentials: AwsCredentials;
}): string {
  const { region, nonce, date, credentials } = p;
  const amzDate = date.toISOString();
  const day = amzDate.slice(0, 10).replaceAll("-", "");
  const scope = `${day}/${region}/${SERVICE}/aws4_request`;
  const query = [
    `X-Amz-Algorithm=${ALGORITHM}`,
    `X-Amz-Credential=${credentials.accessKeyId}%2F${encodeURIComponent(scope)}`,
    `X-Amz-Date=${encodeURIComponent(amzDate)}`,
    "X-Amz-Expires=900",
  ]
    .sort()
    .join("&");
  const canonical = `PUT\n/authenticate\n${query}\nhost:${SERVICE}\n\nhost\n${sha256Hex(nonce)}`;
  const toSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, SERVICE, "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(toSign, "utf8").digest("hex");
  const answer = `signature=${signature},access_key=${credentials.accessKeyId},amzdate=${amzDate}`;
  return credentials.sessionToken ? `${answer},session_token=${credentials.sessionToken}` : answer;
}

/** The driver's auth provider for Keyspaces; credentials are resolved per connection (IRSA tokens rotate). */
export function keyspacesAuthProvider(
  region: string,
  credentials: AwsCredentialSource,
): cassandra.auth.AuthProvider {
  return {
    newAuthenticator: () => ({
      initialResponse: (callback) => callback(null, Buffer.from("SigV4\0\0", "utf8")),
      evaluateChallenge: (challenge, callback) => {
        const nonce = /nonce=([^,]+)/.exec(challenge.toString("utf8"))?.[1];
        if (!nonce)
          return callback(new KeyspacesAuthError("Keyspaces sent a SigV4 challenge without a nonce"));
        credentials().then(
          (c) =>
            callback(
              null,
              Buffer.from(keyspacesSigV4Answer({ region, nonce, date: new Date(), credentials: c })),
            ),
          (e: unknown) => callback(e instanceof Error ? e : new KeyspacesAuthError(String(e))),
        );
      },
      onAuthenticationSuccess: () => undefined,
    }),
  };
}
