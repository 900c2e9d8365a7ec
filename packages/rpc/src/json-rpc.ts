import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { MalformedRpcAnswerError, RpcHttpError, RpcResponseError, RpcTimeoutError } from "./errors.ts";

/** What goes over the wire; the pool's callers use the schema-checked RpcCall. */
export interface WireCall {
  method: string;
  params?: unknown;
}

/** One result per call, in call order: the value, or the error the node answered for that call. */
export type RpcOutcome = { ok: true; value: unknown } | { ok: false; error: RpcResponseError };

// Keep-alive connections shared by every pool of the process (as fetch's global dispatcher shares them); idle
// ones do not keep the process alive.
const agents = { "http:": new HttpAgent({ keepAlive: true }), "https:": new HttpsAgent({ keepAlive: true }) };
const MAX_REDIRECTS = 20;

/** What a failed connection or a dropped answer is: a TypeError, as fetch() gives it (classify.ts counts on it). */
const networkError = (error: Error) => new TypeError(error.message, { cause: error });

function inflated(res: IncomingMessage): Readable {
  const encoding = res.headers["content-encoding"];
  if (encoding === "gzip" || encoding === "x-gzip") return res.pipe(createGunzip());
  if (encoding === "deflate") return res.pipe(createInflate());
  if (encoding === "br") return res.pipe(createBrotliDecompress());
  return res;
}

/**
 * One POST over node:http(s), answered with its status and text. fetch() costs about twice the CPU per answer
 * (web streams, a Response per answer), which an export from a local node spends beside the node itself. It keeps
 * what callers relied on in fetch(): network failures are TypeErrors, compressed answers are inflated, a 307/308
 * redirect is followed, and `signal` aborts it.
 */
function post(
  url: URL,
  body: Buffer,
  signal: AbortSignal,
  redirects = 0,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const protocol = url.protocol === "https:" || url.protocol === "http:" ? url.protocol : null;
    if (!protocol) return reject(new TypeError(`cannot post to a ${url.protocol} URL`));
    const fail = (error: Error) => reject(signal.aborted ? error : networkError(error));
    const req = (protocol === "https:" ? httpsRequest : httpRequest)(
      url,
      {
        method: "POST",
        agent: agents[protocol],
        signal,
        headers: {
          "content-type": "application/json",
          "content-length": body.length,
          "accept-encoding": "gzip, deflate, br",
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if ((status === 307 || status === 308) && location && redirects < MAX_REDIRECTS) {
          res.resume();
          post(new URL(location, url), body, signal, redirects + 1).then(resolve, reject);
          return;
        }
        const chunks: Buffer[] = [];
        let ended = false;
        const stream = inflated(res);
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          ended = true;
          const text = Buffer.concat(chunks).toString("utf8");
          // as fetch's text(): a leading byte-order mark is not part of the answer
          resolve({ status, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text });
        });
        stream.on("error", fail);
        res.on("error", fail);
        res.on("close", () => {
          if (!ended && !res.complete) fail(new Error("the connection closed mid-answer"));
        });
      },
    );
    req.on("error", fail);
    req.end(body);
  });
}

/**
 * Sends calls as one JSON-RPC batch over HTTP (one POST: the batch must reach one node as one unit, so its
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
    const res = await post(new URL(url), Buffer.from(JSON.stringify(body)), controller.signal);
    text = res.text;
    if (res.status < 200 || res.status > 299) throw new RpcHttpError(res.status);
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
