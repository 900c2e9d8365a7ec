import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What real nodes refuse that anvil serves. */
export type Misbehaviour =
  /** eth_getBlockReceipts answers -32601, as on many providers. */
  | "no-block-receipts"
  /** State at a past block (eth_getBalance, eth_call by block hash or number) answers "missing trie node". */
  | "no-historical-state"
  /** debug_trace* answers -32601: no debug namespace. */
  | "no-tracer"
  /** eth_getBlockByNumber of one block (`failBlock`) answers -32000 "header not found", every time. */
  | "failing-block"
  /** A request with a debug_trace* call is never answered (a node stuck re-executing blocks); the rest pass. */
  | "hanging-tracer"
  /**
   * After each receipt it serves, eth_blockNumber answers one block below the head three times (anvil, busy, can
   * serve a receipt a moment before its block is the head).
   */
  | "lagging-head";

export interface MisbehavingNode {
  url: string;
  /** Calls seen, by method. */
  readonly calls: Map<string, number>;
  /** Requests held unanswered right now ("hanging-tracer"). */
  readonly held: () => number;
  close(): Promise<void>;
}

interface Call {
  jsonrpc: "2.0";
  id: number | string;
  method: string;
  params?: unknown[];
}

const isPastBlock = (tag: unknown) =>
  (typeof tag === "string" && tag.startsWith("0x")) || (typeof tag === "object" && tag !== null);

/**
 * A JSON-RPC proxy in front of a real node that refuses what some real nodes refuse, call by call inside
 * batches too, and passes everything else through untouched.
 */
export async function startMisbehavingNode(
  target: string,
  faults: readonly Misbehaviour[],
  options: { failBlock?: number } = {},
): Promise<MisbehavingNode> {
  const calls = new Map<string, number>();
  const refusal = (c: Call): { code: number; message: string } | null => {
    const [first, second] = c.params ?? [];
    if (faults.includes("no-block-receipts") && c.method === "eth_getBlockReceipts")
      return { code: -32601, message: "the method eth_getBlockReceipts does not exist/is not available" };
    if (faults.includes("no-tracer") && c.method.startsWith("debug_trace"))
      return { code: -32601, message: `the method ${c.method} does not exist/is not available` };
    if (
      faults.includes("no-historical-state") &&
      ((c.method === "eth_getBalance" && isPastBlock(second)) ||
        (c.method === "eth_call" && isPastBlock(second)))
    )
      return { code: -32000, message: "missing trie node 5a8c… (path ) state is not available" };
    if (
      faults.includes("failing-block") &&
      c.method === "eth_getBlockByNumber" &&
      typeof first === "string" &&
      first.startsWith("0x") &&
      Number(first) === options.failBlock
    )
      return { code: -32000, message: "header not found" };
    return null;
  };
  let held = 0;
  /** "lagging-head": how many more eth_blockNumber answers lag. */
  let lagging = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Call | Call[];
    const list = Array.isArray(body) ? body : [body];
    for (const c of list) calls.set(c.method, (calls.get(c.method) ?? 0) + 1);
    if (faults.includes("hanging-tracer") && list.some((c) => c.method.startsWith("debug_trace"))) {
      held++;
      res.once("close", () => held--);
      return;
    }
    const refused = list.map(refusal);
    const forward = list.filter((_, i) => refused[i] === null);
    let answers: { id: number | string }[] = [];
    if (forward.length > 0) {
      const upstream = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(forward),
      });
      answers = (await upstream.json()) as { id: number | string }[];
    }
    if (faults.includes("lagging-head"))
      for (const a of answers as { id: number | string; result?: unknown }[]) {
        const method = list.find((c) => c.id === a.id)?.method;
        if (method === "eth_getTransactionReceipt" && a.result) lagging = 3;
        else if (method === "eth_blockNumber" && typeof a.result === "string" && lagging > 0) {
          lagging--;
          a.result = `0x${(BigInt(a.result) - 1n).toString(16)}`;
        }
      }
    const byId = new Map(answers.map((a) => [a.id, a]));
    const out = list.map((c, i) => {
      const error = refused[i];
      return error ? { jsonrpc: "2.0", id: c.id, error } : byId.get(c.id);
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(Array.isArray(body) ? out : out[0]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    held: () => held,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
