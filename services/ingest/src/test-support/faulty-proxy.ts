import { createServer, type Server } from "node:http";

export type Fault = "malformed-json" | "truncated-transactions" | "wrong-parent-hash" | "no-block-receipts";

/**
 * A fault-injection proxy in front of a real node: it forwards each JSON-RPC request and corrupts the answers
 * the way broken providers do. Only blocks are corrupted; everything else passes through untouched.
 */
export async function startFaultyProxy(
  target: string,
  fault: Fault,
): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const corruptBlock = (block: Record<string, unknown> | null) => {
    if (!block || typeof block !== "object") return block;
    const n = Number(BigInt(block.number as string));
    if (
      fault === "truncated-transactions" &&
      Array.isArray(block.transactions) &&
      block.transactions.length > 0
    )
      return { ...block, transactions: block.transactions.slice(0, -1) };
    if (fault === "wrong-parent-hash" && n % 3 === 0) return { ...block, parentHash: `0x${"11".repeat(32)}` };
    return block;
  };
  const server: Server = createServer(async (req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.concat(chunks),
    });
    const text = await upstream.text();
    res.writeHead(upstream.status, { "content-type": "application/json" });
    const request = JSON.parse(Buffer.concat(chunks).toString()) as { method: string } | { method: string }[];
    const asksBlocks = (Array.isArray(request) ? request : [request]).some(
      (r) => r.method === "eth_getBlockByNumber",
    );
    if (fault === "malformed-json" && asksBlocks) return res.end(text.slice(0, Math.floor(text.length / 2)));
    const json = JSON.parse(text) as { id: number; result?: unknown }[] | { id: number; result?: unknown };
    const items = Array.isArray(json) ? json : [json];
    const reqs = Array.isArray(request) ? request : [request];
    for (const item of items as { id: number; result?: unknown; error?: unknown }[]) {
      const r = reqs[item.id] ?? reqs[0];
      if (fault === "no-block-receipts" && r?.method === "eth_getBlockReceipts") {
        delete item.result;
        item.error = {
          code: -32601,
          message: "the method eth_getBlockReceipts does not exist/is not available",
        };
      }
      if (r?.method === "eth_getBlockByNumber" && item.result)
        item.result = corruptBlock(item.result as Record<string, unknown>);
    }
    res.end(JSON.stringify(json));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
