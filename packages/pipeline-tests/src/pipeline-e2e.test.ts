import { setTimeout as sleep } from "node:timers/promises";
import { type Anvil, rpc, rpcBatch, startAnvil } from "@chainlog/devnet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logEmitterInitCode, pingTopic } from "./log-emitter.ts";
import { getJson, type Pipeline, startPipeline, waitFor } from "./pipeline.ts";

interface NodeTx {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  nonce: string;
  gas: string;
  input: string;
}
interface NodeReceipt {
  status: string;
  contractAddress: string | null;
  logs: { address: string; topics: string[]; data: string; logIndex: string }[];
}
interface ApiTx {
  // the API serves a transaction's fields as the node does (hex quantities, lowercase addresses)
  transaction: NodeTx;
  receipt: { status: number | null; contractAddress: string | null } | null;
  logs: { address: string; topics: string[]; data: string; logIndex: number }[];
}

const TX_COUNT = 520;
let anvil: Anvil;
let pipeline: Pipeline;
const hashes: string[] = [];

beforeAll(async () => {
  anvil = await startAnvil({ noMining: true, accounts: 10 });
  const accounts = await rpc<string[]>(anvil.rpcUrl, "eth_accounts");
  // A contract that logs on every call, so receipts and logs are part of what is compared.
  const deploy = await rpc<string>(anvil.rpcUrl, "eth_sendTransaction", [
    { from: accounts[0], data: logEmitterInitCode, gas: "0x100000" },
  ]);
  await rpc(anvil.rpcUrl, "anvil_mine", ["0x1"]);
  hashes.push(deploy);
  const emitter = (await rpc<NodeReceipt>(anvil.rpcUrl, "eth_getTransactionReceipt", [deploy]))
    .contractAddress!;
  // The pipeline starts while the chain is growing: it must follow the head, not only backfill.
  pipeline = await startPipeline({ rpcUrl: anvil.rpcUrl });
  // Explicit nonces: a node handles the calls of one batch concurrently, so it cannot number them itself.
  const nonces = new Map<string, number>();
  for (const a of accounts)
    nonces.set(a, Number(await rpc<string>(anvil.rpcUrl, "eth_getTransactionCount", [a, "pending"])));
  const nonceOf = (a: string) => {
    const n = nonces.get(a)!;
    nonces.set(a, n + 1);
    return `0x${n.toString(16)}`;
  };
  let i = 0;
  while (hashes.length < TX_COUNT) {
    const calls: [string, unknown[]][] = [];
    for (let j = 0; j < 40 && hashes.length + calls.length < TX_COUNT; j++, i++) {
      const from = accounts[i % accounts.length];
      if (i % 4 === 0) {
        calls.push([
          "eth_sendTransaction",
          [{ from, nonce: nonceOf(from!), to: emitter, data: `0x${i.toString(16).padStart(8, "0")}cafe` }],
        ]);
      } else {
        const to = `0x${(0x1000 + i).toString(16).padStart(40, "0")}`;
        const data = i % 3 === 0 ? "0xdeadbeef" : undefined;
        calls.push([
          "eth_sendTransaction",
          [
            {
              from,
              nonce: nonceOf(from!),
              to,
              value: `0x${(BigInt(i) * 10n ** 15n + 1n).toString(16)}`,
              data,
            },
          ],
        ]);
      }
    }
    hashes.push(...(await rpcBatch<string>(anvil.rpcUrl, calls)));
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x1"]);
    await sleep(100);
  }
}, 180_000);

afterAll(async () => {
  await pipeline?.stop();
  await anvil?.kill();
});

describe("the walking skeleton, end to end on the embedded default", () => {
  it(`serves all ${TX_COUNT} transactions with the fields the node returns`, async () => {
    expect(new Set(hashes).size).toBe(TX_COUNT);
    // Partitions are processed independently, so blocks may land out of order: wait for every transaction.
    let pending = [...hashes];
    await waitFor(
      "every transaction in the API",
      async () => {
        const still: string[] = [];
        for (const h of pending)
          if ((await fetch(`${pipeline.apiUrl}/v1/tx/${h}`)).status !== 200) still.push(h);
        pending = still;
        return pending.length === 0;
      },
      120_000,
      500,
    );
    let withLogs = 0;
    for (let k = 0; k < hashes.length; k += 50) {
      const slice = hashes.slice(k, k + 50);
      const nodeTxs = await rpcBatch<NodeTx>(
        anvil.rpcUrl,
        slice.map((h) => ["eth_getTransactionByHash", [h]]),
      );
      const nodeReceipts = await rpcBatch<NodeReceipt>(
        anvil.rpcUrl,
        slice.map((h) => ["eth_getTransactionReceipt", [h]]),
      );
      for (const [n, hash] of slice.entries()) {
        const { status, body } = await getJson<ApiTx>(`${pipeline.apiUrl}/v1/tx/${hash}`);
        expect(status, hash).toBe(200);
        const node = nodeTxs[n]!;
        const receipt = nodeReceipts[n]!;
        const tx = body.transaction;
        expect(tx.hash).toBe(node.hash);
        expect(tx.from).toBe(node.from.toLowerCase());
        expect(tx.to).toBe(node.to ? node.to.toLowerCase() : null);
        expect(tx.value).toBe(BigInt(node.value).toString());
        expect(tx.nonce).toBe(BigInt(node.nonce).toString());
        expect(tx.gas).toBe(BigInt(node.gas).toString());
        expect(tx.input).toBe(node.input.toLowerCase());
        expect(body.receipt?.status).toBe(Number(receipt.status));
        expect(body.receipt?.contractAddress ?? null).toBe(receipt.contractAddress?.toLowerCase() ?? null);
        expect(body.logs.map((l) => [l.address, l.topics, l.data, l.logIndex])).toEqual(
          receipt.logs.map((l) => [
            l.address.toLowerCase(),
            l.topics,
            l.data.toLowerCase(),
            Number(l.logIndex),
          ]),
        );
        if (receipt.logs.length) {
          withLogs++;
          expect(body.logs[0]!.topics[0]).toBe(pingTopic);
        }
      }
    }
    expect(withLogs).toBeGreaterThanOrEqual(TX_COUNT / 4 - 1);
  });

  it("answers the latest block with the block the node has at that height", async () => {
    const { status, body } = await getJson<{ number: number; hash: string }>(
      `${pipeline.apiUrl}/v1/blocks/latest`,
    );
    expect(status).toBe(200);
    const nodeBlock = await rpc<{ hash: string }>(anvil.rpcUrl, "eth_getBlockByNumber", [
      `0x${body.number.toString(16)}`,
      false,
    ]);
    expect(body.hash).toBe(nodeBlock.hash);
  });
});
