import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Anvil, startAnvil } from "@chainlog/devnet";
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
  for (let i = 1; i <= 3; i++) await rpc("eth_sendTransaction", [{ from, to, value: `0x${i.toString(16)}` }]);
});

afterAll(async () => {
  await anvil?.kill();
  rmSync(out, { recursive: true, force: true });
});

describe("chainlog export", () => {
  it("writes ethereum-etl's files and columns for a range", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const code = await runExportCommand([
      "--rpc-url",
      anvil.rpcUrl,
      "--from",
      "0",
      "--to",
      "3",
      "--out",
      out,
    ]);
    expect(code).toBe(0);
    const blocks = readFileSync(join(out, "blocks.csv"), "utf8").trim().split("\n");
    expect(blocks[0]!.split(",").slice(0, 3)).toEqual(["number", "hash", "parent_hash"]);
    expect(blocks).toHaveLength(5);
    const txs = readFileSync(join(out, "transactions.csv"), "utf8").trim().split("\n");
    expect(txs[0]).toContain("from_address");
    expect(txs.slice(1).map((l) => l.split(",")[0])).toHaveLength(3);
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
});
