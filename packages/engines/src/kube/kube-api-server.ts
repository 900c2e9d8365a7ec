import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { waitUntil } from "../health/wait-until.ts";
import { installEtcd, installKubeApiServer } from "../install/install-go-tools.ts";
import { cacheDir as defaultCacheDir } from "../paths.ts";
import { stopPid } from "../process/pids.ts";
import { freePort } from "../process/ports.ts";
import { spawnProcess } from "../process/spawn-process.ts";

export interface KubeApiServer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Bearer token of a system:masters user. */
  token: string;
  /** PEM of the server's self-signed serving certificate (trust it, nothing else). */
  ca: string;
  /** A kubeconfig file for kubectl / the Pulumi Kubernetes provider. */
  kubeconfig: string;
  logs: { etcd: string; apiserver: string };
  stop(): Promise<void>;
}

export interface KubeResponse {
  status: number;
  body: unknown;
  /** `Warning` headers (Pod Security admission warns through them). */
  warnings: string[];
}

/** One HTTPS call to the API server; JSON in, JSON (or text) out. */
export function kubeRequest(
  server: Pick<KubeApiServer, "url" | "token" | "ca">,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<KubeResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method,
        ca: server.ca,
        headers: {
          authorization: `Bearer ${server.token}`,
          accept: "application/json",
          ...(payload ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {}),
        },
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain-text answers (/readyz) stay text
          }
          const w = res.headers.warning;
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            warnings: (Array.isArray(w) ? w : w ? [w] : []).map(warningText),
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** `299 - "text"` (RFC 7234 warn-code, agent, quoted text) → text. */
function warningText(header: string): string {
  const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(header);
  return m?.[1] ? m[1].replace(/\\(.)/g, "$1") : header;
}

/**
 * etcd and kube-apiserver on loopback, on free ports, owned by the calling process (stop() or its exit ends
 * them). No kubelet, scheduler or controllers: objects are admitted and stored, never run — which is what
 * checking that a deployment would be accepted needs. Auth: a static system:masters token; service-account
 * tokens signed with a key pair generated here; RBAC and the default admission plugins (Pod Security included).
 */
export async function startKubeApiServer(params: {
  baseDir: string;
  cacheDir?: string;
  readyTimeoutMs?: number;
}): Promise<KubeApiServer> {
  const cache = params.cacheDir ?? defaultCacheDir();
  const [etcd, apiserver] = await Promise.all([installEtcd(cache), installKubeApiServer(cache)]);
  const dir = params.baseDir;
  const pki = join(dir, "pki");
  mkdirSync(pki, { recursive: true });
  const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
  const timeout = params.readyTimeoutMs ?? 120_000;

  const etcdLog = join(dir, "logs", "etcd.log");
  const etcdMarker = join(dir, "etcd-data");
  const etcdPid = spawnProcess(
    {
      name: "etcd",
      command: etcd.binary,
      args: [
        "--name=chainlog",
        `--data-dir=${etcdMarker}`,
        `--listen-client-urls=http://127.0.0.1:${clientPort}`,
        `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=chainlog=http://127.0.0.1:${peerPort}`,
        // Throwaway data: durability costs seconds per CRD on a busy disk.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
      cwd: dir,
      log: etcdLog,
      marker: etcdMarker,
    },
    false,
  );
  const stops: (() => Promise<void>)[] = [() => stopPid(etcdPid, etcdMarker, 10_000)];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const etcdProcess = { pid: etcdPid, spec: { name: "etcd", log: etcdLog } };
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${clientPort}/health`)).ok, {
      what: "etcd",
      timeoutMs: timeout,
      processes: [etcdProcess],
      intervalMs: 250,
    });

    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(pki, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    writeFileSync(join(pki, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    const token = randomBytes(24).toString("hex");
    writeFileSync(join(pki, "tokens.csv"), `${token},chainlog-admin,chainlog-admin,"system:masters"\n`, {
      mode: 0o600,
    });

    const apiLog = join(dir, "logs", "kube-apiserver.log");
    const apiPid = spawnProcess(
      {
        name: "kube-apiserver",
        command: apiserver.binary,
        args: [
          `--etcd-servers=http://127.0.0.1:${clientPort}`,
          "--bind-address=127.0.0.1",
          "--advertise-address=127.0.0.1",
          `--secure-port=${securePort}`,
          // Writes a self-signed serving certificate for 127.0.0.1/localhost here.
          `--cert-dir=${pki}`,
          `--token-auth-file=${join(pki, "tokens.csv")}`,
          "--authorization-mode=RBAC",
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          `--service-account-key-file=${join(pki, "sa.pub")}`,
          `--service-account-signing-key-file=${join(pki, "sa.key")}`,
          "--service-cluster-ip-range=10.96.0.0/16",
          "--profiling=false",
          // As on EKS and kind: privileged pods are the Pod Security level's to refuse, not a server-wide ban.
          "--allow-privileged=true",
          "--v=1",
        ],
        cwd: dir,
        log: apiLog,
        marker: pki,
      },
      false,
    );
    stops.push(() => stopPid(apiPid, pki, 15_000));
    const certFile = join(pki, "apiserver.crt");
    const server = { url: `https://127.0.0.1:${securePort}`, token, ca: "" };
    const apiProcess = { pid: apiPid, spec: { name: "kube-apiserver", log: apiLog } };
    await waitUntil(
      async () => {
        if (!existsSync(certFile)) return false;
        server.ca = readFileSync(certFile, "utf8");
        const res = await kubeRequest(server, "GET", "/readyz");
        return res.status === 200;
      },
      { what: "kube-apiserver", timeoutMs: timeout, processes: [etcdProcess, apiProcess], intervalMs: 250 },
    );

    const kubeconfig = join(dir, "kubeconfig.yaml");
    // JSON is YAML: no YAML dependency in this package.
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: "chainlog-test",
            cluster: {
              server: server.url,
              "certificate-authority-data": Buffer.from(server.ca).toString("base64"),
            },
          },
        ],
        users: [{ name: "chainlog-admin", user: { token } }],
        contexts: [{ name: "chainlog-test", context: { cluster: "chainlog-test", user: "chainlog-admin" } }],
        "current-context": "chainlog-test",
      }),
      { mode: 0o600 },
    );
    return { ...server, kubeconfig, logs: { etcd: etcdLog, apiserver: apiLog }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
