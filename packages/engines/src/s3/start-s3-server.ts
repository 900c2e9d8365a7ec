import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { EngineStartError } from "../errors.ts";
import { logTail } from "../health/wait-until.ts";
import { cacheDir as defaultCacheDir } from "../paths.ts";
import { freePort } from "../process/ports.ts";
import { installVersityGw } from "./install-versitygw.ts";

export interface StartS3ServerParameters {
  /** Where the built server is cached. Default ~/.cache/chainlog (CHAINLOG_CACHE_DIR). */
  cacheDir?: string;
  /** Health wait. Default 30 s. */
  timeoutMs?: number;
}

export interface S3Server {
  /** http://127.0.0.1:<port>, path-style. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The objects as files: <dataDir>/<bucket>/<key>. */
  dataDir: string;
  /** The variables an AWS SDK client (or `chainlog export`) reads to reach this server. */
  env: Record<string, string>;
  /** The options of an AWS SDK S3Client for this server (path-style addressing, its root credentials). */
  clientConfig: {
    endpoint: string;
    region: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A private S3-compatible server (versitygw, posix backend) on a free loopback port with freshly generated
 * root credentials, for tests. Metadata goes to a sidecar folder, so the data folder needs no xattr support.
 */
export async function startS3Server(p: StartS3ServerParameters = {}): Promise<S3Server> {
  const binary = await installVersityGw(p.cacheDir ?? defaultCacheDir());
  const base = mkdtempSync(join(tmpdir(), "chainlog-s3-"));
  const dataDir = join(base, "data");
  const metaDir = join(base, "meta");
  mkdirSync(dataDir);
  mkdirSync(metaDir);
  const accessKeyId = `chainlog${randomBytes(6).toString("hex")}`;
  const secretAccessKey = randomBytes(24).toString("base64url");
  const region = "us-east-1";
  const port = await freePort();
  const log = join(base, "versitygw.log");
  const fd = openSync(log, "a");
  let child: ChildProcess;
  try {
    // credentials through the environment, not argv, so `ps` does not show the secret
    child = spawn(
      binary,
      [
        "--port",
        `127.0.0.1:${port}`,
        "--health",
        "/health",
        "--quiet",
        "posix",
        "--sidecar",
        metaDir,
        dataDir,
      ],
      {
        env: { ...process.env, ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey },
        stdio: ["ignore", fd, fd],
      },
    );
  } finally {
    closeSync(fd);
  }
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  child.once("error", () => undefined); // a spawn failure shows as the exit below
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(killer);
    }
    rmSync(base, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (p.timeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      const tail = logTail(log);
      await stop();
      throw new EngineStartError(`versitygw exited at start:\n${tail}`);
    }
    const ok = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      const tail = logTail(log);
      await stop();
      throw new EngineStartError(
        `versitygw not healthy on ${endpoint} within ${p.timeoutMs ?? 30_000} ms:\n${tail}`,
      );
    }
    await sleep(200);
  }
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    dataDir,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    },
    clientConfig: { endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } },
    stop,
  };
}
