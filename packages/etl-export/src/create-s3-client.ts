import { S3Client } from "@aws-sdk/client-s3";
import { parseEnv, slices } from "@chainlog/runtime-config";

export interface ExportS3Client {
  client: S3Client;
  /** For messages: the custom endpoint, or "AWS S3". */
  endpoint: string;
}

/**
 * An S3 client from the standard AWS chain (env keys, AWS_PROFILE, SSO, web identity/IRSA, container and
 * instance roles). An S3-compatible server is named by AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL, S3_ENDPOINT)
 * and then addressed path-style, since such servers rarely have per-bucket DNS names
 * (S3_FORCE_PATH_STYLE=false turns that off).
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): ExportS3Client {
  const { AWS_REGION } = parseEnv(slices.aws, env);
  const e = parseEnv(slices.s3, env);
  const endpoint = e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL ?? e.S3_ENDPOINT;
  const region = AWS_REGION ?? e.AWS_DEFAULT_REGION ?? (endpoint ? "us-east-1" : undefined);
  // Keys given in `env` come first, as in the default chain (which reads only process.env).
  const keys =
    e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: e.AWS_ACCESS_KEY_ID,
            secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
            ...(e.AWS_SESSION_TOKEN ? { sessionToken: e.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {};
  const client = new S3Client({
    ...keys,
    ...(region ? { region } : {}),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: e.S3_FORCE_PATH_STYLE !== "false",
          // many S3-compatible servers reject the SDK's default extra CRC checksums; MD5/SigV4 still guard the body
          requestChecksumCalculation: "WHEN_REQUIRED" as const,
          responseChecksumValidation: "WHEN_REQUIRED" as const,
        }
      : { followRegionRedirects: true }),
    maxAttempts: 5,
  });
  return { client, endpoint: endpoint ?? "AWS S3" };
}
