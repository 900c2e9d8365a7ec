import { parseEndpoints } from "@chainlog/runtime-config";
import { redactUrl } from "@chainlog/telemetry";
import { type RpcAnswer, type RpcCall, RpcTransportError, rpcBatch } from "./json-rpc-batch.ts";

export class RpcUnavailableError extends Error {
  override name = "RpcUnavailableError";
}

export interface RpcClientOptions {
  /** ETH_RPC_URLS entries; see orderEndpoints. */
  urls: string[];
  /** One batch request. Default 10 s. */
  timeoutMs?: number;
  /** How long a batch is retried (all endpoints, with backoff) before RpcUnavailableError. Default 30 s. */
  retryForMs?: number;
  /** Calls per JSON-RPC batch; larger call lists are split. Default 200. */
  maxBatch?: number;
  onFailover?: (from: string, to: string, reason: string) => void;
}

/**
 * Node errors worth another try: the codes nodes use for "busy", "limit", "header not found yet" and internal
 * hiccups. A revert is an answer (the contract said no), so anything that mentions one is final.
 */
export function isRetryableAnswer(a: RpcAnswer): boolean {
  if (a.ok) return false;
  if (/revert/i.test(a.message)) return false;
  return [-32000, -32603, -32005, -32020, 429].includes(a.code) || /timeout|rate|limit/i.test(a.message);
}

/**
 * ETH_RPC_URLS entries parsed as ingest parses them (`url` or `url#priority=N&rps=R`, same validation): endpoints
 * are tried by priority (lower first, default 0), then in the order given.
 */
export function orderEndpoints(entries: readonly string[]): string[] {
  return parseEndpoints([...entries])
    .map((e, i) => ({ url: e.url, priority: e.priority ?? 0, i }))
    .sort((a, b) => a.priority - b.priority || a.i - b.i)
    .map((e) => e.url);
}

export interface BatchOptions {
  /** This call's retry budget instead of the client's (0: one attempt, for calls too costly to repeat). */
  retryForMs?: number;
}

export interface RpcClient {
  /**
   * Answers in call order. Transport failures fail over to the next endpoint; transport failures and retryable
   * node errors are retried with backoff for `retryForMs`, after which it throws RpcUnavailableError. Other
   * per-call errors (reverts, invalid params) come back as answers.
   */
  batch(calls: RpcCall[], options?: BatchOptions): Promise<RpcAnswer[]>;
  /** The endpoint currently preferred, redacted (for logs). */
  current(): string;
}

export function createRpcClient(options: RpcClientOptions): RpcClient {
  const urls = orderEndpoints(options.urls);
  if (urls.length === 0) throw new RpcUnavailableError("no RPC endpoint configured");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retryForMs = options.retryForMs ?? 30_000;
  const maxBatch = options.maxBatch ?? 200;
  let active = 0;

  const sendOnce = async (calls: RpcCall[], deadline: number): Promise<RpcAnswer[]> => {
    let attempt = 0;
    let lastError = "";
    const answers: (RpcAnswer | undefined)[] = new Array(calls.length);
    let pending = calls.map((_, i) => i);
    for (;;) {
      const url = urls[active] as string;
      try {
        const got = await rpcBatch(
          url,
          pending.map((i) => calls[i] as RpcCall),
          timeoutMs,
        );
        const retry: number[] = [];
        got.forEach((a, j) => {
          const i = pending[j] as number;
          answers[i] = a;
          if (isRetryableAnswer(a)) retry.push(i);
        });
        if (retry.length === 0) return answers as RpcAnswer[];
        const first = answers[retry[0] as number];
        lastError = first && !first.ok ? `${first.code} ${first.message}` : "retryable error";
        pending = retry;
      } catch (error) {
        if (!(error instanceof RpcTransportError)) throw error;
        lastError = error.message;
        if (urls.length > 1) {
          const next = (active + 1) % urls.length;
          options.onFailover?.(redactUrl(url), redactUrl(urls[next] as string), error.message);
          active = next;
          // A healthy backup answers right away; only back off once every endpoint failed in turn.
          if (next !== 0) continue;
        }
      }
      attempt += 1;
      const wait = Math.min(100 * 2 ** attempt, 2_000);
      if (Date.now() + wait > deadline) {
        // Out of time: give back the node's own answers for calls it refused, or fail when it never answered.
        if (answers.every((a) => a !== undefined) && pending.every((i) => answers[i]?.ok === false))
          return answers as RpcAnswer[];
        throw new RpcUnavailableError(`RPC unavailable: ${lastError}`);
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  };

  return {
    async batch(calls, batchOptions) {
      const deadline = Date.now() + (batchOptions?.retryForMs ?? retryForMs);
      const out: RpcAnswer[] = [];
      for (let i = 0; i < calls.length; i += maxBatch)
        out.push(...(await sendOnce(calls.slice(i, i + maxBatch), deadline)));
      return out;
    },
    current: () => redactUrl(urls[active] as string),
  };
}
