import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Anvil, sendAndWaitForHead, startAnvil, startMisbehavingNode } from "@chainlog/devnet";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runExportCommand } from "./export-command.ts";

let anvil: Anvil;
const out = mkdtempSync(join(tmpdir(), "chainlog-export-cmd-"));

async function rpc(method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(anvil.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

beforeAll(async () => {
  anvil = await startAnvil({});
  const [from, to] = (await rpc("eth_accounts", [])) as string[];
  // block 3 must be the head before an export asks for it
  for (let i = 1; i <= 3; i++)
    await sendAndWaitForHead(anvil.rpcUrl, { from, to, value: `0x${i.toString(16)}` });
});

afterAll(async () => {
  await anvil?.kill();
  rmSync(out, { recursive: true, force: true });
});

/** `chainlog export` arguments for blocks 0..to of the node at rpcUrl into the folder out. */
const rangeArgs = (rpcUrl: string, to: number, out: string) => [
  "--rpc-url",
  rpcUrl,
  "--from",
  "0",
  "--to",
  String(to),
  "--out",
  out,
];

describe("chainlog export", () => {
  it("writes ethereum-etl's files and columns for a range", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const code = await runExportCommand(rangeArgs(anvil.rpcUrl, 3, out));
    expect(code).toBe(0);
    const blocks = readFileSync(join(out, "blocks.csv"), "utf8").trim().split("\n");
    expect(blocks[0]!.split(",").slice(0, 3)).toEqual(["number", "hash", "parent_hash"]);
    expect(blocks).toHaveLength(5);
    const txs = readFileSync(join(out, "transactions.csv"), "utf8").trim().split("\n");
    expect(txs[0]).toContain("from_address");
    expect(txs.slice(1).map((l) => l.split(",")[0])).toHaveLength(3);
    // traces only when asked for
    expect(existsSync(join(out, "traces.csv"))).toBe(false);
  });

  it("--entities traces writes traces.csv; a node without a tracer is one line saying so, and nothing written", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const dir = join(out, "traces");
    const args = ["--from", "0", "--to", "3", "--entities", "traces", "--out", dir];
    expect(await runExportCommand(["--rpc-url", anvil.rpcUrl, ...args])).toBe(0);
    const traces = readFileSync(join(dir, "traces.csv"), "utf8").trim().split("\n");
    expect(traces[0]).toMatch(/^block_number,transaction_hash,.*,status,trace_id$/);
    // three plain transfers: one top-level call each, values 1, 2, 3 wei
    expect(traces.slice(1).map((l) => l.split(",").slice(5, 6)[0])).toEqual(["1", "2", "3"]);

    const node = await startMisbehavingNode(anvil.rpcUrl, ["no-tracer"]);
    try {
      const errors: string[] = [];
      vi.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
      const refused = join(out, "no-tracer");
      expect(await runExportCommand(["--rpc-url", node.url, ...args.slice(0, -1), refused])).toBe(2);
      expect(errors.at(-1)).toMatch(/^the node cannot give traces \(.+\); the traces entity needs/);
      expect(errors.at(-1)).not.toContain("usage");
      expect(existsSync(join(refused, "traces.csv"))).toBe(false);
    } finally {
      await node.close();
    }
  });

  it("draws a progress bar on a terminal's stderr, and none in a pipe", async () => {
    /** What the command wrote to stderr while it ran, with stderr a terminal or not. */
    const stderrOf = async (tty: boolean, dir: string) => {
      const was = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
      Object.defineProperty(process.stderr, "isTTY", { value: tty, configurable: true });
      const chunks: string[] = [];
      const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
        chunks.push(String(chunk));
        return true;
      });
      try {
        expect(await runExportCommand(rangeArgs(anvil.rpcUrl, 3, join(out, dir)))).toBe(0);
      } finally {
        write.mockRestore();
        if (was) Object.defineProperty(process.stderr, "isTTY", was);
        else delete (process.stderr as { isTTY?: boolean }).isTTY;
      }
      return chunks;
    };
    const terminal = await stderrOf(true, "tty");
    const bars = terminal.filter((c) => c.startsWith("\r["));
    expect(bars.at(-1)).toMatch(/^\r\[#{30}\] 3\/3 \d+ blk\/s \d+ tx\/s ETA 0s/);
    expect(terminal.at(-1)).toBe("\n");
    expect((await stderrOf(false, "pipe")).some((c) => c.startsWith("\r["))).toBe(false);
  });

  it("refuses bad parameters with exit code 2 and names them", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
    expect(await runExportCommand(["--rpc-url", anvil.rpcUrl, "--from", "abc", "--to", "3"])).toBe(2);
    expect(errors.at(-1)).toMatch(/--from must be a block number/);
    expect(await runExportCommand(["--rpc-url", anvil.rpcUrl, "--from", "0"])).toBe(2);
    expect(errors.at(-1)).toMatch(/--to is required/);
    expect(
      await runExportCommand(["--rpc-url", anvil.rpcUrl, "--from", "0", "--to", "1", "--entities", "bogus"]),
    ).toBe(2);
    expect(errors.at(-1)).toMatch(/unknown entity "bogus"/);
    expect(await runExportCommand(["--nope"])).toBe(2);
  });

  it("says in one line that --to is past the head, naming it, and writes nothing", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
    const head = Number(await rpc("eth_blockNumber", []));
    const dir = join(out, "beyond");
    const code = await runExportCommand(rangeArgs(anvil.rpcUrl, 999, dir));
    expect(code).toBe(2);
    expect(errors.at(-1)).toBe(`--to 999 is beyond the node's head (block ${head})`);
    expect(existsSync(join(dir, "blocks.csv"))).toBe(false);
  });

  it("leaves no file behind when the node dies mid-export", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const dir = join(out, "dead");
    // a node that answers the head and the chain id, then fails every block request: the export fails
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { id: number; method: string }[];
      const answer = (c: { id: number; method: string }) =>
        c.method === "eth_blockNumber"
          ? { jsonrpc: "2.0", id: c.id, result: "0x3" }
          : c.method === "eth_chainId"
            ? { jsonrpc: "2.0", id: c.id, result: "0x7a69" }
            : null;
      const items = body.map(answer);
      if (items.some((i) => i === null)) return res.writeHead(503).end("down");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(items));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(runExportCommand(rangeArgs(url, 3, dir))).rejects.toThrow(/no RPC endpoint could answer/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
