import {
  type Anvil,
  connectDevnet,
  deployErc20,
  deployErc721,
  deployErc1155,
  deployEthRouter,
  deployWeth,
  depositWeth,
  mintErc20,
  mintErc721,
  mintErc1155,
  rpc,
  startAnvil,
  transferErc20,
  unwrapWethTo,
} from "@chainlog/devnet";
import { EtherscanProvider, JsonRpcProvider } from "ethers";
import { ethers as ethers5 } from "ethers5";
import type { Address, Hash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline, waitFor } from "./pipeline.ts";

/*
 * Etherscan clients, unchanged but for their base URL, against the whole pipeline on a devnet: ethers v6's
 * EtherscanProvider (the proxy module and account balance, with Etherscan's v2 chainid) and ethers v5's, a
 * separate implementation that reads the account and logs modules (txlist, getLogs) on the v1 path. Every answer
 * is compared with the node's own, read through ethers' JSON-RPC providers.
 */
const CHAIN_ID = 11155111; // a chain both ethers versions know for Etherscan
const TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
// Never an unlocked account and on no watchlist: whatever Chainlog knows of it, it learned by indexing.
const STRANGER = "0x5eeded0000000000000000000000000000c0ffee" as Address;

let anvil: Anvil;
let pipeline: Pipeline;
let apiKey = "";
let token: Address;
let nft: Address;
let multi: Address;
const toStranger: Hash[] = [];
/** WETH unwrapped through a router and paid to the stranger inside the call: an internal transaction only. */
let internalPayment: Hash;
const UNWRAPPED = 2n * 10n ** 17n;

class ChainlogEtherscanV6 extends EtherscanProvider {
  readonly base: string;
  constructor(base: string, key: string) {
    super(CHAIN_ID, key);
    this.base = base;
  }
  override getUrl(module: string, params: Record<string, string>): string {
    return super.getUrl(module, params).replace(/^https:\/\/api\.etherscan\.io/, this.base);
  }
}

/** What an answer says, without the provider objects ethers hangs on it. */
const plain = (x: { toJSON(): unknown } | null) => JSON.parse(JSON.stringify(x));

let v5Base = "";
class ChainlogEtherscanV5 extends ethers5.providers.EtherscanProvider {
  override getBaseUrl(): string {
    return v5Base;
  }
}

beforeAll(async () => {
  anvil = await startAnvil({ chainId: CHAIN_ID, accounts: 3 });
  const client = await connectDevnet(anvil.rpcUrl);
  const [deployer, alice] = await client.getAddresses();
  pipeline = await startPipeline({ rpcUrl: anvil.rpcUrl });

  token = await deployErc20(client, { name: "Compat Token", symbol: "CMP", decimals: 6 });
  nft = await deployErc721(client);
  multi = await deployErc1155(client);
  await mintErc20(client, { token, to: alice!, amount: 5_000_000n });
  toStranger.push(
    (await transferErc20(client, { token, to: STRANGER, amount: 1_250_000n, account: alice! }))
      .transactionHash,
  );
  toStranger.push((await mintErc721(client, { token: nft, to: STRANGER, tokenId: 7n })).transactionHash);
  toStranger.push(
    (await mintErc1155(client, { token: multi, to: STRANGER, ids: [1n, 2n], values: [10n, 20n] }))
      .transactionHash,
  );
  for (const value of [10n ** 18n, 3n])
    toStranger.push(await client.sendTransaction({ account: deployer!, to: STRANGER, value, chain: null }));
  const weth = await deployWeth(client);
  await depositWeth(client, { weth, amount: UNWRAPPED, account: alice! });
  const router = await deployEthRouter(client, { weth });
  internalPayment = (
    await unwrapWethTo(client, { router, weth, amount: UNWRAPPED, to: STRANGER, account: alice! })
  ).transactionHash;
  const head = Number(await client.getBlockNumber());

  await waitFor(
    "the pipeline at the node's head, token metadata included",
    async () => {
      const latest = await fetch(`${pipeline.apiUrl}/v1/blocks/latest`);
      if (latest.status !== 200 || ((await latest.json()) as { number: number }).number < head) return false;
      const t = await fetch(`${pipeline.apiUrl}/v1/tokens/${token}`);
      return (
        t.status === 200 && ((await t.json()) as { token: { symbol: string | null } }).token.symbol === "CMP"
      );
    },
    120_000,
    500,
  );
  for (const h of toStranger)
    await waitFor("the transaction", async () => (await fetch(`${pipeline.apiUrl}/v1/tx/${h}`)).ok, 60_000);
  // Internal transactions come with the enrichment stage (call traces), after the block itself.
  await waitFor(
    "the traced internal payment",
    async () => {
      const res = await fetch(
        `${pipeline.apiUrl}/api?module=account&action=txlistinternal&txhash=${internalPayment}`,
      );
      return ((await res.json()) as { status: string }).status === "1";
    },
    120_000,
    500,
  );

  // A Chainlog API key, as `apikey=` in the clients' URLs.
  const signup = await fetch(`${pipeline.apiUrl}/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "compat@example.org", password: "a long enough password" }),
  });
  const cookie = String(signup.headers.get("set-cookie")).split(";")[0]!;
  const created = await fetch(`${pipeline.apiUrl}/v1/keys`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ name: "compat", scopes: ["read"] }),
  });
  apiKey = ((await created.json()) as { key: string }).key;
  v5Base = pipeline.apiUrl;
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
  await anvil?.stop();
});

describe("ethers v6 EtherscanProvider (v2 API, chainid)", () => {
  it("answers what the node answers: head, balances, blocks, transactions, receipts, nonces, code", async () => {
    const scan = new ChainlogEtherscanV6(pipeline.apiUrl, apiKey);
    const node = new JsonRpcProvider(anvil.rpcUrl, CHAIN_ID, { staticNetwork: true });
    try {
      expect(await scan.getBlockNumber()).toBe(await node.getBlockNumber());
      expect(await scan.getBalance(STRANGER)).toBe(await node.getBalance(STRANGER));
      expect(await scan.getBalance(STRANGER)).toBe(10n ** 18n + 3n + UNWRAPPED);
      const n = (await node.getTransactionReceipt(toStranger[0]!))!.blockNumber;
      expect(plain(await scan.getBlock(n, true))).toEqual(plain(await node.getBlock(n, true)));
      for (const hash of toStranger) {
        expect(plain(await scan.getTransaction(hash))).toEqual(plain(await node.getTransaction(hash)));
        const receipt = plain(await scan.getTransactionReceipt(hash));
        expect(receipt).toEqual(plain(await node.getTransactionReceipt(hash)));
        expect(receipt.status).toBe(1);
      }
      const [deployer] = await node.listAccounts();
      expect(await scan.getTransactionCount(deployer!.address)).toBe(
        await node.getTransactionCount(deployer!.address),
      );
      expect(await scan.getCode(token)).toBe(await node.getCode(token));
    } finally {
      scan.destroy();
      node.destroy();
    }
  });
});

describe("ethers v5 EtherscanProvider (v1 API: account and logs modules)", () => {
  it("getHistory (txlist) lists the stranger's transactions as the node has them", async () => {
    const scan = new ChainlogEtherscanV5("sepolia", apiKey);
    const node = new ethers5.providers.StaticJsonRpcProvider(anvil.rpcUrl, {
      name: "sepolia",
      chainId: CHAIN_ID,
    });
    const history = await scan.getHistory(STRANGER);
    // txlist is by from/to: the token transfers reached the stranger through a contract, not as its `to`.
    const direct = toStranger.slice(3);
    expect(history.map((t) => t.hash)).toEqual(direct);
    for (const t of history) {
      const n = await node.getTransaction(t.hash);
      expect({
        from: t.from,
        to: t.to,
        value: t.value.toString(),
        nonce: t.nonce,
        blockNumber: t.blockNumber,
      }).toEqual({
        from: n.from,
        to: n.to,
        value: n.value.toString(),
        nonce: n.nonce,
        blockNumber: n.blockNumber,
      });
      expect(t.timestamp).toBe((await node.getBlock(n.blockNumber!)).timestamp);
    }
    expect((await scan.getBalance(STRANGER)).toString()).toBe((await node.getBalance(STRANGER)).toString());
  });

  it("getLogs (logs module) returns the node's logs", async () => {
    const scan = new ChainlogEtherscanV5("sepolia", apiKey);
    const node = new ethers5.providers.StaticJsonRpcProvider(anvil.rpcUrl, {
      name: "sepolia",
      chainId: CHAIN_ID,
    });
    const filter = { address: token, topics: [TRANSFER], fromBlock: 0, toBlock: "latest" };
    const pick = (l: ethers5.providers.Log) => ({
      blockNumber: l.blockNumber,
      blockHash: l.blockHash,
      transactionHash: l.transactionHash,
      logIndex: l.logIndex,
      address: l.address,
      topics: l.topics,
      data: l.data,
    });
    const fromNode = (await node.getLogs(filter)).map(pick);
    expect(fromNode).toHaveLength(2);
    expect((await scan.getLogs(filter)).map(pick)).toEqual(fromNode);
  });
});

describe("balances of an unwatched address (/v1/address/:a/balances?confirm=true)", () => {
  it("equal the node's eth_getBalance and balanceOf / ownerOf at the block the answer names", async () => {
    const res = await fetch(`${pipeline.apiUrl}/v1/address/${STRANGER}/balances?confirm=true`);
    expect(res.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the answer is probed field by field
    const body = (await res.json()) as any;
    const node = new JsonRpcProvider(anvil.rpcUrl, CHAIN_ID, { staticNetwork: true });
    const eth = body.holdings.find(
      (h: { token: string }) => h.token === "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
    );
    expect(eth.source).toBe("node");
    const block = eth.blockNumber as number;
    expect(BigInt(eth.balance)).toBe(await node.getBalance(STRANGER, block));
    const call = async (to: string, data: string) => BigInt(await node.call({ to, data, blockTag: block }));
    const word = (v: string | bigint) => BigInt(v).toString(16).padStart(64, "0");
    const cmp = body.holdings.find((h: { token: string }) => h.token === token.toLowerCase());
    const onChain = await call(token, `0x70a08231${word(STRANGER)}`);
    expect({ balance: cmp.balance, amount: cmp.amount, symbol: cmp.symbol }).toEqual({
      balance: onChain.toString(),
      amount: "1.25",
      symbol: "CMP",
    });
    expect(cmp.confirmed).toEqual({ balance: onChain.toString(), blockNumber: block });
    // The whole history is indexed here: nothing is "since block N".
    expect(body.indexed).toMatchObject({ fromBlock: 0, fromGenesis: true });
    expect(body.truncated).toBe(false);
    const nfts = body.nfts.map(
      (n: { token: string; tokenId: string; balance: string; confirmed: unknown }) => [
        n.token,
        n.tokenId,
        n.balance,
        n.confirmed,
      ],
    );
    expect(nfts).toEqual(
      [
        [nft.toLowerCase(), "7", "1", { balance: "1", blockNumber: block }],
        [multi.toLowerCase(), "1", "10", { balance: "10", blockNumber: block }],
        [multi.toLowerCase(), "2", "20", { balance: "20", blockNumber: block }],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)),
    );
    expect(await call(multi, `0x00fdd58e${word(STRANGER)}${word(2n)}`)).toBe(20n);
    node.destroy();
  });
});

describe("txlistinternal, compared with the node's call trace", () => {
  it("lists the ETH the router paid the stranger inside its call, by address and by transaction", async () => {
    interface Frame {
      type: string;
      from: string;
      to: string;
      value?: string;
      calls?: Frame[];
    }
    const trace = await rpc<Frame>(anvil.rpcUrl, "debug_traceTransaction", [
      internalPayment,
      { tracer: "callTracer" },
    ]);
    const frames: Frame[] = [];
    const walk = (f: Frame): void => {
      for (const c of f.calls ?? []) {
        frames.push(c);
        walk(c);
      }
    };
    walk(trace);
    const paid = frames.filter((f) => f.to?.toLowerCase() === STRANGER);
    expect(paid).toHaveLength(1);
    const receipt = await rpc<{ blockNumber: string }>(anvil.rpcUrl, "eth_getTransactionReceipt", [
      internalPayment,
    ]);
    const byAddress = await fetch(
      `${pipeline.apiUrl}/api?module=account&action=txlistinternal&address=${STRANGER}&apikey=${apiKey}`,
    );
    const body = (await byAddress.json()) as { status: string; result: Record<string, string>[] };
    expect(body.status).toBe("1");
    expect(body.result).toEqual([
      expect.objectContaining({
        hash: internalPayment,
        blockNumber: String(Number(receipt.blockNumber)),
        from: paid[0]!.from.toLowerCase(),
        to: STRANGER,
        value: BigInt(paid[0]!.value ?? "0x0").toString(),
        type: paid[0]!.type.toLowerCase(),
        isError: "0",
      }),
    ]);
    expect(BigInt(body.result[0]!.value!)).toBe(UNWRAPPED);
    const byTx = await fetch(
      `${pipeline.apiUrl}/api?module=account&action=txlistinternal&txhash=${internalPayment}`,
    );
    const all = ((await byTx.json()) as { result: Record<string, string>[] }).result;
    expect(all.map((r) => [r.from, r.to, r.type])).toEqual(
      frames.map((f) => [f.from.toLowerCase(), f.to.toLowerCase(), f.type.toLowerCase()]),
    );
  });
});

describe("token lists of an unwatched address, compared with the node's Transfer logs", () => {
  // biome-ignore lint/suspicious/noExplicitAny: Etherscan rows are probed field by field
  const list = async (action: string): Promise<any[]> => {
    const res = await fetch(
      `${pipeline.apiUrl}/api?module=account&action=${action}&address=${STRANGER}&apikey=${apiKey}`,
    );
    const body = (await res.json()) as { status: string; result: unknown[] };
    expect(body.status, action).toBe("1");
    return body.result;
  };

  it("tokentx, tokennfttx, token1155tx", async () => {
    const [erc20] = await list("tokentx");
    const log = (await new JsonRpcProvider(anvil.rpcUrl, CHAIN_ID, {
      staticNetwork: true,
    }).getTransactionReceipt(toStranger[0]!))!.logs[0]!;
    expect(erc20).toMatchObject({
      hash: toStranger[0],
      contractAddress: token.toLowerCase(),
      to: STRANGER,
      value: BigInt(log.data).toString(),
      tokenSymbol: "CMP",
      tokenName: "Compat Token",
      tokenDecimal: "6",
      blockNumber: String(log.blockNumber),
    });
    expect((await list("tokennfttx")).map((r) => [r.contractAddress, r.tokenID])).toEqual([
      [nft.toLowerCase(), "7"],
    ]);
    expect((await list("token1155tx")).map((r) => [r.tokenID, r.tokenValue])).toEqual([
      ["1", "10"],
      ["2", "20"],
    ]);
  });
});
