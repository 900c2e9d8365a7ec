import { redactUrl } from "@chainlog/telemetry";

export interface RpcCall {
  method: string;
  params: unknown[];
}

/** One answer of a batch: the result, or the node's error for that call (a revert is an answer, not a failure). */
export type RpcAnswer = { ok: true; result: unknown } | { ok: false; code: number; message: string };

export class RpcTransportError extends Error {
  override name = "RpcTransportError";
}

/**
 * Sends calls as one JSON-RPC batch and returns the answers in call order. Throws RpcTransportError when the
 * endpoint does not answer the batch as a whole (network, HTTP status, malformed body), so callers can retry.
 */
export async function rpcBatch(url: string, calls: RpcCall[], timeoutMs = 30_000): Promise<RpcAnswer[]> {
  if (calls.length === 0) return [];
  const body = calls.map((c, id) => ({ jsonrpc: "2.0", id, method: c.method, params: c.params }));
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new RpcTransportError(
      `${redactUrl(url)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!res.ok) throw new RpcTransportError(`${redactUrl(url)}: HTTP ${res.status}`);
  const json = (await res.json().catch(() => null)) as unknown;
  if (!Array.isArray(json)) throw new RpcTransportError(`${redactUrl(url)}: batch answer is not an array`);
  const answers: (RpcAnswer | undefined)[] = new Array(calls.length);
  for (const item of json as {
    id?: unknown;
    result?: unknown;
    error?: { code?: number; message?: string };
  }[]) {
    if (typeof item?.id !== "number" || item.id < 0 || item.id >= calls.length) continue;
    answers[item.id] = item.error
      ? { ok: false, code: Number(item.error.code ?? 0), message: String(item.error.message ?? "error") }
      : { ok: true, result: item.result };
  }
  return answers.map(
    (a, i) => a ?? { ok: false, code: -32603, message: `no answer for call ${i} (${calls[i]?.method})` },
  );
}
