import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCsv } from "@chainlog/decoders/test-support";
import {
  type Anvil,
  createDevnetClient,
  deployBytes32Token,
  deployErc20,
  deployErc721,
  deployEthRouter,
  deployWeth,
  depositWeth,
  mintErc20,
  mintErc721,
  rpc,
  startAnvil,
  startMisbehavingNode,
  transferErc20,
  unwrapWethTo,
} from "@chainlog/devnet";
import { anvilForSuite } from "@chainlog/devnet/vitest";
import type { RpcCallFrame } from "@chainlog/rpc";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtlColumns } from "./etl-rows.ts";
import {
  DEFAULT_ENTITIES,
  ExportParameterError,
  type ExportRangeParameters,
  exportRange,
  TracesUnavailableError,
} from "./export-range.ts";

/** exportRange of blocks 0..to from the one node at rpcUrl. */
const exportFromGenesis = (
  rpcUrl: string,
  to: number,
  params: Omit<ExportRangeParameters, "rpcUrls" | "from" | "to">,
) => exportRange({ rpcUrls: [rpcUrl], from: 0, to, ...params });

/** Parses our CSV back, the way a loader would. */
const readCsv = (path: string) => parseCsv(readFileSync(path, "utf8"));

describe("exportRange on anvil", () => {
  let anvil: Anvil;
  let dir: string;
  let head: number;
  let token: string;
  let b32: string;
  beforeAll(async () => {
    anvil = await startAnvil({ pruneHistory: true });
    const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    const [me] = await client.getAddresses();
    token = await deployErc20(client, { name: 'Quote "and", comma', symbol: "QC", decimals: 8 });
    b32 = await deployBytes32Token(client, { name: "Maker", symbol: "MKR" });
    const nft = await deployErc721(client);
    await mintErc20(client, { token: token as `0x${string}`, to: me as `0x${string}`, amount: 1000n });
    await transferErc20(client, {
      token: token as `0x${string}`,
      to: "0x000000000000000000000000000000000000a11c",
      amount: 7n,
    });
    await mintErc721(client, { token: nft, to: "0x000000000000000000000000000000000000a11c", tokenId: 9n });
    await client.writeContract({
      address: b32 as `0x${string}`,
      abi: [
        {
          type: "function",
          name: "mint",
          inputs: [{ type: "address" }, { type: "uint256" }],
          outputs: [],
          stateMutability: "nonpayable",
        },
      ],
      functionName: "mint",
      args: [me as `0x${string}`, 5n],
      account: me as `0x${string}`,
    });
    head = Number(await client.getBlockNumber({ cacheTime: 0 }));
    dir = mkdtempSync(join(tmpdir(), "chainlog-export-"));
  }, 60_000);
  afterAll(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes ethereum-etl's files and columns, loadable back with the right values", async () => {
    const result = await exportFromGenesis(anvil.rpcUrl, head, {
      entities: ["blocks", "transactions", "receipts", "logs", "token_transfers", "tokens"],
      format: "csv",
      outDir: dir,
      batchSize: 3,
    });
    expect(result.blocks).toBe(head + 1);
    for (const [entity, { path }] of Object.entries(result.files)) {
      expect(readFileSync(path, "utf8").split("\n")[0]).toBe(
        EtlColumns[entity as keyof typeof EtlColumns].join(","),
      );
    }
    const blocks = readCsv(join(dir, "blocks.csv"));
    expect(blocks.map((b) => Number(b.number))).toEqual(Array.from({ length: head + 1 }, (_, i) => i));
    const txs = readCsv(join(dir, "transactions.csv"));
    expect(txs).toHaveLength(head); // automine: one transaction per block after genesis
    expect(txs.every((t) => /^\d+$/.test(t.value ?? "") && t.transaction_type === "2")).toBe(true);
    const receipts = readCsv(join(dir, "receipts.csv"));
    expect(receipts.every((r) => r.status === "1")).toBe(true);
    expect(receipts.filter((r) => r.contract_address !== "")).toHaveLength(3);
    const transfers = readCsv(join(dir, "token_transfers.csv"));
    expect(transfers.map((t) => [t.token_address, t.to_address, t.value])).toEqual([
      [token.toLowerCase(), expect.any(String), "1000"],
      [token.toLowerCase(), "0x000000000000000000000000000000000000a11c", "7"],
      [expect.any(String), "0x000000000000000000000000000000000000a11c", "9"],
      [b32.toLowerCase(), expect.any(String), "5"],
    ]);
    const logs = readCsv(join(dir, "logs.csv"));
    expect(logs).toHaveLength(4);
    expect(logs[0]?.topics?.split(",")).toHaveLength(3);
    const tokens = readCsv(join(dir, "tokens.csv"));
    expect(tokens.find((t) => t.address === token.toLowerCase())).toMatchObject({
      name: 'Quote "and", comma',
      symbol: "QC",
      decimals: "8",
      total_supply: "1000",
    });
    expect(tokens.find((t) => t.address === b32.toLowerCase())).toMatchObject({
      name: "Maker",
      symbol: "MKR",
    });
  });

  it("through a node without eth_getBlockReceipts behind a preferred dead one: per-transaction receipts, the same files", async () => {
    const entities = ["blocks", "transactions", "receipts", "logs", "token_transfers"] as const;
    const direct = join(dir, "direct");
    await exportFromGenesis(anvil.rpcUrl, head, { entities: [...entities], format: "csv", outDir: direct });
    const node = await startMisbehavingNode(anvil.rpcUrl, ["no-block-receipts"]);
    const fallback = join(dir, "fallback");
    try {
      const result = await exportRange({
        rpcUrls: ["http://127.0.0.1:1#priority=0", `${node.url}#priority=1`],
        from: 0,
        to: head,
        entities: [...entities],
        format: "csv",
        outDir: fallback,
        batchSize: 2,
      });
      expect(result.blocks).toBe(head + 1);
    } finally {
      await node.close();
    }
    expect(node.calls.get("eth_getTransactionReceipt") ?? 0).toBeGreaterThanOrEqual(head);
    for (const entity of entities)
      expect(readFileSync(join(fallback, `${entity}.csv`), "utf8")).toBe(
        readFileSync(join(direct, `${entity}.csv`), "utf8"),
      );
  });

  it("writes parquet with the same columns, integers as INT64 and wei amounts as exact strings", async () => {
    const out = join(dir, "parquet");
    const result = await exportFromGenesis(anvil.rpcUrl, head, {
      entities: ["blocks", "token_transfers"],
      format: "parquet",
      outDir: out,
    });
    expect(result.files.blocks?.rows).toBe(head + 1);
    const read = async (path: string) => {
      const buf = readFileSync(path);
      const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
      return parquetReadObjects({ file });
    };
    const blocks = await read(join(out, "blocks", "part-00000.parquet"));
    expect(Object.keys(blocks[0] ?? {})).toEqual([...EtlColumns.blocks]);
    expect(blocks.map((b) => b.number)).toEqual(Array.from({ length: head + 1 }, (_, i) => BigInt(i)));
    const csvBlocks = readCsv(join(dir, "blocks.csv"));
    expect(blocks.map((b) => b.hash)).toEqual(csvBlocks.map((b) => b.hash));
    const transfers = await read(join(out, "token_transfers", "part-00000.parquet"));
    expect(transfers.map((t) => t.value)).toEqual(["1000", "7", "9", "5"]);
  });

  it("refuses bad parameters with a message naming them", async () => {
    const base: ExportRangeParameters = {
      rpcUrls: [anvil.rpcUrl],
      from: 0,
      to: 1,
      entities: ["blocks"],
      format: "csv",
      outDir: dir,
    };
    await expect(exportRange({ ...base, from: 5, to: 1 })).rejects.toThrow(/--from 5 --to 1/);
    await expect(exportRange({ ...base, entities: ["nope" as "blocks"] })).rejects.toThrow(
      /unknown entity "nope"/,
    );
    await expect(exportRange({ ...base, format: "xlsx" as "csv" })).rejects.toBeInstanceOf(
      ExportParameterError,
    );
    await expect(exportRange({ ...base, to: head + 100 })).rejects.toThrow(/beyond the node's head/);
  });

  it("traces from a node that cannot trace: one clear error, and no file written", async () => {
    const out = join(dir, "no-tracer");
    const failed = exportFromGenesis(anvil.rpcUrl, head, {
      entities: ["blocks", "traces"],
      format: "csv",
      outDir: out,
    });
    await expect(failed).rejects.toBeInstanceOf(TracesUnavailableError);
    await expect(failed).rejects.toThrow(/the node cannot give traces \(.+\); the traces entity needs/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    // and traces are not exported unless asked for
    expect(DEFAULT_ENTITIES).not.toContain("traces");
  });
});

describe("exportRange traces on a tracing anvil", () => {
  const anvil = anvilForSuite();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "chainlog-export-traces-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes ethereum-etl's traces.csv with the node's frames: ETH from WETH to a router and on, inside one call", async () => {
    const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    const weth = await deployWeth(client);
    const router = await deployEthRouter(client, { weth });
    await depositWeth(client, { weth, amount: 10n ** 18n });
    const to = "0x0000000000000000000000000000000000000b0b";
    const unwrap = await unwrapWethTo(client, { router, weth, amount: 4n * 10n ** 17n, to });
    const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
    const result = await exportFromGenesis(anvil.rpcUrl, head, {
      entities: ["transactions", "traces"],
      format: "csv",
      outDir: dir,
      batchSize: 2,
    });
    expect(readFileSync(result.files.traces!.path, "utf8").split("\n")[0]).toBe(EtlColumns.traces.join(","));
    const traces = readCsv(join(dir, "traces.csv"));
    // one top-level frame per transaction, in block order
    const txs = readCsv(join(dir, "transactions.csv"));
    expect(traces.filter((t) => t.trace_address === "").map((t) => t.transaction_hash)).toEqual(
      txs.map((t) => t.hash),
    );

    const hash = unwrap.transactionHash;
    const top = await rpc<RpcCallFrame>(anvil.rpcUrl, "debug_traceTransaction", [
      hash,
      { tracer: "callTracer" },
    ]);
    const expected: Record<string, string>[] = [];
    const walk = (f: RpcCallFrame, path: number[]) => {
      const type = f.type!.toLowerCase(); // callTracer names every frame's type
      const traceType = type === "selfdestruct" ? "suicide" : type.startsWith("create") ? type : "call";
      expected.push({
        from_address: f.from?.toLowerCase() ?? "",
        to_address: f.to?.toLowerCase() ?? "",
        value: f.value === undefined ? "" : BigInt(f.value).toString(),
        gas: f.gas === undefined ? "" : BigInt(f.gas).toString(),
        gas_used: f.gasUsed === undefined ? "" : BigInt(f.gasUsed).toString(),
        input: f.input ?? "",
        output: f.output ?? "",
        trace_type: traceType,
        call_type: traceType === "call" ? type : "",
        subtraces: String(f.calls?.length ?? 0),
        trace_address: path.join(","),
        error: f.error ?? "",
        status: "1",
        trace_id: `${traceType}_${hash}_${path.join("_")}`,
      });
      for (const [i, c] of (f.calls ?? []).entries()) walk(c, [...path, i]);
    };
    walk(top, []);
    const mine = traces.filter((t) => t.transaction_hash === hash);
    expect(mine.map((t) => Object.fromEntries(Object.keys(expected[0]!).map((k) => [k, t[k]])))).toEqual(
      expected,
    );
    // the contract-to-contract ETH transfer and the payment on
    expect(mine.map((t) => [t.from_address, t.to_address, t.value])).toEqual(
      expect.arrayContaining([
        [weth.toLowerCase(), router.toLowerCase(), (4n * 10n ** 17n).toString()],
        [router.toLowerCase(), to, (4n * 10n ** 17n).toString()],
      ]),
    );
  }, 120_000);
});
