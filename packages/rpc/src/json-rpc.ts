import { MalformedRpcAnswerError, RpcHttpError, RpcResponseError, RpcTimeoutError } from "./errors.ts";

/** What goes over the wire; the pool's callers use the schema-checked RpcCall. */
export interface WireCall {
  method: string;
  params?: unknown;
}

/** One result per call, in call order: the value, or the error the node answered for that call. */
export type RpcOutcome = { ok: true; value: unknown } | { ok: false; error: RpcResponseError };

/**
 * Sends calls as one JSON-RPC batch over HTTP (raw fetch: the batch must reach one node as one unit, so its
 * answers are mutually consistent). Transport-level failures throw; per-call errors come back as outcomes.
 * `signal` ends the request early (the pool closing); it rejects with the signal's reason.
 */
export async function postBatch(
  url: string,
  calls: readonly WireCall[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RpcOutcome[]> {
  signal?.throwIfAborted();
  const body = calls.map((c, i) => ({ jsonrpc: "2.0", id: i, method: c.method, params: c.params }));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const stop = () => controller.abort();
  signal?.addEventListener("abort", stop, { once: true });
  let text: string;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    text = await res.text();
    if (!res.ok) throw new RpcHttpError(res.status);
  } catch (error) {
    signal?.throwIfAborted();
    if (controller.signal.aborted) throw new RpcTimeoutError(timeoutMs);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MalformedRpcAnswerError("answer is not JSON", { cause: error });
  }
  if (!Array.isArray(json)) {
    // Some nodes answer a whole batch with one error object (e.g. batch too large).
    const err = (json as { error?: { code?: number; message?: string } } | null)?.error;
    if (err && typeof err.code === "number")
      throw new RpcResponseError(err.code, String(err.message ?? ""), "batch");
    throw new MalformedRpcAnswerError("batch answer is not an array");
  }
  const out: (RpcOutcome | undefined)[] = new Array(calls.length);
  for (const item of json as {
    id?: unknown;
    result?: unknown;
    error?: { code?: unknown; message?: unknown };
  }[]) {
    const id = item?.id;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= calls.length || out[id])
      throw new MalformedRpcAnswerError("batch answer has an unknown or repeated id");
    if (item.error && typeof item.error === "object")
      out[id] = {
        ok: false,
        error: new RpcResponseError(
          Number(item.error.code),
          String(item.error.message ?? ""),
          calls[id]!.method,
        ),
      };
    else if ("result" in item) out[id] = { ok: true, value: item.result };
    else throw new MalformedRpcAnswerError("batch answer item has neither result nor error");
  }
  if (out.some((o) => o === undefined)) throw new MalformedRpcAnswerError("batch answer is missing items");
  return out as RpcOutcome[];
}
