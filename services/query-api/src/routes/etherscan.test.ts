import { type Anvil, rpc, sendAndWaitForHead, startAnvil } from "@chainlog/devnet";
import { createRpcPool, type RpcPool } from "@chainlog/rpc";
import { createLogger } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODULES, PROXY_METHODS } from "../etherscan/actions.ts";
import { MESSAGES } from "../etherscan/envelope.ts";
import {
  ALICE,
  type ApiHarness,
  BOB,
  openApiHarness,
  sampleChain,
  TOKEN,
} from "../test-support/api-harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are probed field by field in assertions
type Json = Record<string, any>;
const chain = sampleChain(12);
let anvil: Anvil;
let pool: RpcPool;
let h: ApiHarness;

beforeAll(async () => {
  anvil = await startAnvil({ accounts: 3 });
  pool = createRpcPool({ endpoints: [{ url: anvil.rpcUrl }], logger: createLogger("rpc-test", "silent") });
  pool.start();
  h = await openApiHarness({ blocks: chain, rpc: pool });
}, 60_000);
afterAll(async () => {
  await h?.close();
  pool?.close();
  await anvil?.stop();
});

const get = async (query: string, path = "/api") => {
  const res = await h.app.inject({ method: "GET", url: `${path}?${query}` });
  return { status: res.statusCode, body: res.json() as Json, headers: res.headers };
};

/** Refused the Etherscan way: HTTP 200, status "0", NOTOK and the reason as the result. */
const refused = async (query: string, result: string | RegExp) => {
  const { status, body } = await get(query);
  expect(status, query).toBe(200);
  expect(body.status, query).toBe("0");
  expect(body.message, query).toBe("NOTOK");
  if (typeof result === "string") expect(body.result, query).toBe(result);
  else expect(body.result, query).toMatch(result);
};

const aliceTxs = chain.flatMap((b) => b.transactions).filter((t) => t.from === ALICE || t.to === ALICE);

describe("malformed input answers Etherscan's error envelope, never a 5xx", () => {
  it("module and action", async () => {
    await refused("", MESSAGES.module);
    await refused("module=nope&action=balance", MESSAGES.module);
    await refused("module=account&action=nope", MESSAGES.action);
    await refused("module=account&action=__proto__", MESSAGES.action);
    await refused("module=proxy&action=eth_sendRawTransaction&hex=0x00", MESSAGES.action);
  });

  it("account: balance, balancemulti, txlist, txlistinternal, tokentx, tokennfttx, token1155tx", async () => {
    await refused("module=account&action=balance&address=0x12", MESSAGES.address);
    await refused(`module=account&action=balance&address=${ALICE}&tag=yesterday`, "Error! Invalid tag");
    await refused("module=account&action=balancemulti&address=", MESSAGES.address);
    await refused(`module=account&action=balancemulti&address=${ALICE},zz`, MESSAGES.address);
    await refused(
      `module=account&action=balancemulti&address=${Array(21).fill(ALICE).join(",")}`,
      /Maximum of 20 addresses/,
    );
    await refused("module=account&action=txlist&address=alice", MESSAGES.address);
    await refused(
      `module=account&action=txlist&address=${ALICE}&startblock=first`,
      "Error! Invalid startblock",
    );
    await refused(`module=account&action=txlist&address=${ALICE}&endblock=1e3`, "Error! Invalid endblock");
    await refused(`module=account&action=txlist&address=${ALICE}&page=101&offset=100`, MESSAGES.window);
    await refused(`module=account&action=txlist&address=${ALICE}&page=0`, "Error! Invalid page number");
    await refused(`module=account&action=txlist&address=${ALICE}&offset=0`, "Error! Invalid offset");
    await refused(`module=account&action=txlist&address=${ALICE}&sort=up`, "Error! Invalid sort order");
    await refused("module=account&action=txlistinternal&txhash=0x1", MESSAGES.txhash);
    await refused("module=account&action=txlistinternal", MESSAGES.address);
    await refused(
      `module=account&action=txlistinternal&address=${ALICE}&sort=new`,
      "Error! Invalid sort order",
    );
    await refused("module=account&action=tokentx", MESSAGES.address);
    await refused("module=account&action=tokennfttx&contractaddress=0xabc", MESSAGES.contractAddress);
    await refused(`module=account&action=token1155tx&address=${ALICE}&page=x`, "Error! Invalid page number");
  });

  it("block, logs, transaction, stats", async () => {
    await refused("module=block&action=getblocknobytime", "Error! Invalid timestamp");
    await refused("module=block&action=getblocknobytime&timestamp=soon", "Error! Invalid timestamp");
    await refused("module=block&action=getblocknobytime&timestamp=1&closest=middle", /Invalid closest/);
    await refused("module=block&action=getblocknobytime&timestamp=1&closest=before", /No closest block/);
    await refused("module=logs&action=getLogs", MESSAGES.address);
    await refused(`module=logs&action=getLogs&address=${TOKEN}&topic0=0x12`, "Error! Invalid topic0");
    await refused(`module=logs&action=getLogs&address=${TOKEN}&topic0_1_opr=xor`, /topic0_1_opr/);
    await refused(`module=logs&action=getLogs&address=${TOKEN}&fromBlock=first`, "Error! Invalid fromBlock");
    await refused("module=transaction&action=gettxreceiptstatus&txhash=0xzz", MESSAGES.txhash);
    // The sample chain has no prices.
    await refused("module=stats&action=ethprice", /No ETH price/);
  });

  it("proxy answers JSON-RPC errors for bad parameters", async () => {
    for (const q of [
      "action=eth_getTransactionByHash&txhash=0x12",
      "action=eth_getTransactionReceipt",
      "action=eth_getBlockByNumber&tag=tomorrow",
      "action=eth_getBlockByNumber&tag=0x1&boolean=maybe",
    ]) {
      const { status, body } = await get(`module=proxy&${q}&id=7`);
      expect(status, q).toBe(200);
      expect(body, q).toEqual({
        jsonrpc: "2.0",
        id: 7,
        error: { code: -32602, message: expect.any(String) },
      });
    }
  });

  it("every action, proxy methods included, refuses a malformed request in the envelope (never a 5xx)", async () => {
    const long = "9".repeat(81);
    // One malformed request per action: a bad parameter of its own where it takes one, else a parameter the
    // schema refuses (too long), which the access layer answers 400 in the same envelope.
    const malformed: Record<string, string> = {
      "account.balance": "address=0xZZ",
      "account.balancemulti": `address=${ALICE},0x1`,
      "account.txlist": `address=${ALICE}&endblock=-1`,
      "account.txlistinternal": `address=${ALICE}&offset=x`,
      "account.tokentx": `address=${ALICE}&startblock=0x10`,
      "account.tokennfttx": "address=0x12",
      "account.token1155tx": `contractaddress=${TOKEN}&sort=random`,
      "block.getblocknobytime": "timestamp=-5",
      "logs.getLogs": `address=${TOKEN}&topic1=0xabc`,
      "transaction.gettxreceiptstatus": "txhash=",
      "stats.ethprice": `tag=${long}`,
      "proxy.eth_blockNumber": `id=${long}`,
      "proxy.eth_gasPrice": `id=${long}`,
      "proxy.eth_getBlockByNumber": "tag=0xG",
      "proxy.eth_getBlockTransactionCountByNumber": "tag=",
      "proxy.eth_getTransactionByHash": "txhash=0x123",
      "proxy.eth_getTransactionReceipt": `txhash=${"0x".padEnd(66, "z")}`,
      "proxy.eth_getTransactionByBlockNumberAndIndex": "tag=latest&index=7",
      "proxy.eth_getTransactionCount": "address=0x12&tag=latest",
      "proxy.eth_getCode": `address=${ALICE}&tag=yesterday`,
      "proxy.eth_getStorageAt": `address=${ALICE}&position=0x00`,
      "proxy.eth_call": `to=${ALICE}&data=0x123`,
      "proxy.eth_estimateGas": `to=${ALICE}&value=12`,
    };
    const actions = Object.entries(MODULES).flatMap(([mod, actionsOf]) =>
      mod === "proxy"
        ? PROXY_METHODS.map((m) => `${mod}.${m}`)
        : Object.keys(actionsOf).map((a) => `${mod}.${a}`),
    );
    expect(Object.keys(malformed).sort()).toEqual(actions.sort());
    for (const [name, params] of Object.entries(malformed)) {
      const [mod, action] = name.split(".");
      const q = `module=${mod}&action=${action}&${params}`;
      const { status, body } = await get(q);
      if (status === 400) {
        expect(body, q).toEqual({ status: "0", message: "NOTOK", result: expect.stringMatching(/^Error! /) });
        continue;
      }
      expect(status, q).toBe(200);
      if (mod === "proxy")
        expect(body, q).toEqual({
          jsonrpc: "2.0",
          id: 1,
          error: { code: -32602, message: expect.any(String) },
        });
      else
        expect(body, q).toEqual({ status: "0", message: "NOTOK", result: expect.stringMatching(/^Error! /) });
    }
  });

  it("a repeated or operator-like parameter is refused in the envelope too", async () => {
    for (const q of ["module=account&module=proxy", "module=account&$where=1"]) {
      const { status, body } = await get(q);
      expect(status, q).toBe(400);
      expect(body).toEqual({ status: "0", message: "NOTOK", result: expect.stringMatching(/^Error! /) });
    }
  });

  it("v2: chainid must be this chain's", async () => {
    const q = `module=account&action=balance&address=${ALICE}`;
    await expect(get(q, "/v2/api")).resolves.toMatchObject({ body: { result: MESSAGES.chainId } });
    await expect(get(`${q}&chainid=1`, "/v2/api")).resolves.toMatchObject({
      body: { result: MESSAGES.chainId },
    });
    expect((await get(`${q}&chainid=31337`, "/v2/api")).body).toMatchObject({ status: "1", message: "OK" });
  });
});

describe("answers", () => {
  it("txlist: ascending by default, pages, descending, block range", async () => {
    const all = await get(`module=account&action=txlist&address=${ALICE}`);
    expect(all.body.status).toBe("1");
    expect(all.body.result.map((r: Json) => r.hash)).toEqual(aliceTxs.map((t) => t.hash));
    const row = all.body.result[0];
    const tx = aliceTxs[0]!;
    expect(row).toMatchObject({
      blockNumber: String(tx.blockNumber),
      timeStamp: String(chain[tx.blockNumber - 1]!.block.timestamp),
      from: tx.from,
      to: tx.to ?? "",
      value: tx.value,
      nonce: tx.nonce,
      isError: "0",
      txreceipt_status: "1",
      confirmations: String(12 - tx.blockNumber + 1),
    });
    const page2 = await get(`module=account&action=txlist&address=${ALICE}&page=2&offset=3&sort=desc`);
    expect(page2.body.result.map((r: Json) => r.hash)).toEqual(
      [...aliceTxs]
        .reverse()
        .slice(3, 6)
        .map((t) => t.hash),
    );
    const ranged = await get(`module=account&action=txlist&address=${ALICE}&startblock=4&endblock=6`);
    expect(ranged.body.result.map((r: Json) => r.hash)).toEqual(
      aliceTxs.filter((t) => t.blockNumber >= 4 && t.blockNumber <= 6).map((t) => t.hash),
    );
    expect((await get(`module=account&action=txlist&address=${ALICE}&startblock=50`)).body).toEqual({
      status: "0",
      message: "No transactions found",
      result: [],
    });
  });

  it("tokentx by address and by contract; the other standards have none", async () => {
    const { body } = await get(`module=account&action=tokentx&address=${ALICE}&sort=desc&offset=2`);
    expect(body.status).toBe("1");
    expect(body.result).toHaveLength(2);
    expect(body.result[0]).toMatchObject({
      contractAddress: TOKEN,
      to: ALICE,
      value: "2500000",
      blockNumber: "12",
    });
    const byToken = await get(`module=account&action=tokentx&contractaddress=${TOKEN}`);
    expect(byToken.body.result).toHaveLength(12);
    expect((await get(`module=account&action=tokennfttx&address=${ALICE}`)).body.message).toBe(
      "No transactions found",
    );
  });

  it("getblocknobytime before and after; gettxreceiptstatus of a failed and an unknown tx", async () => {
    const t5 = chain[4]!.block.timestamp;
    expect(
      (await get(`module=block&action=getblocknobytime&timestamp=${t5 + 1}&closest=before`)).body.result,
    ).toBe("5");
    expect(
      (await get(`module=block&action=getblocknobytime&timestamp=${t5 + 1}&closest=after`)).body.result,
    ).toBe("6");
    expect(
      (await get(`module=block&action=getblocknobytime&timestamp=${t5}&closest=after`)).body.result,
    ).toBe("5");
    const failed = chain[4]!.transactions.find((t) => t.type === 4)!;
    expect((await get(`module=transaction&action=gettxreceiptstatus&txhash=${failed.hash}`)).body).toEqual({
      status: "1",
      message: "OK",
      result: { status: "0" },
    });
    const unknown = `0x${"ab".repeat(32)}`;
    expect((await get(`module=transaction&action=gettxreceiptstatus&txhash=${unknown}`)).body.result).toEqual(
      {
        status: "",
      },
    );
  });

  it("balance, balancemulti and proxy read the node", async () => {
    const [a0, a1] = await rpc<string[]>(anvil.rpcUrl, "eth_accounts");
    const wei = BigInt(await rpc<string>(anvil.rpcUrl, "eth_getBalance", [a0, "latest"])).toString();
    expect((await get(`module=account&action=balance&address=${a0}&tag=latest`)).body).toEqual({
      status: "1",
      message: "OK",
      result: wei,
    });
    const multi = await get(`module=account&action=balancemulti&address=${a0},${BOB}`);
    expect(multi.body.result).toEqual([
      { account: a0!.toLowerCase(), balance: wei },
      { account: BOB, balance: "0" },
    ]);
    // the head compared below must already hold the transfer
    const hash = await sendAndWaitForHead(anvil.rpcUrl, { from: a0, to: a1, value: "0x1" });
    const head = await rpc<string>(anvil.rpcUrl, "eth_blockNumber");
    expect((await get("module=proxy&action=eth_blockNumber")).body).toEqual({
      jsonrpc: "2.0",
      id: 1,
      result: head,
    });
    for (const action of ["eth_getTransactionByHash", "eth_getTransactionReceipt"])
      expect((await get(`module=proxy&action=${action}&txhash=${hash}`)).body.result).toEqual(
        await rpc(anvil.rpcUrl, action, [hash]),
      );
    expect(
      (await get(`module=proxy&action=eth_getBlockByNumber&tag=${head}&boolean=true`)).body.result,
    ).toEqual(await rpc(anvil.rpcUrl, "eth_getBlockByNumber", [head, true]));
  });
});

describe("txlistinternal says when traces are not read, rather than claiming there are none", () => {
  it("empty and traced: No transactions found; empty and the newest block's traces off: NOTOK", async () => {
    const none = await get(`module=account&action=txlistinternal&address=${ALICE}`);
    expect(none.body).toEqual({ status: "0", message: "No transactions found", result: [] });
    const latest = chain[chain.length - 1]!.block;
    await h.store.writeEnrichment([
      {
        mark: {
          blockNumber: latest.number,
          blockHash: latest.hash,
          traces: "off",
          tokens: "done",
          pools: "done",
          balances: "done",
          enrichedAt: Date.now(),
        },
        contractCreations: [],
        internalTransactions: [],
        swaps: [],
        pricePoints: [],
        balances: [],
      },
    ]);
    await refused(`module=account&action=txlistinternal&address=${ALICE}`, /not indexed/);
  });
});

describe("apikey: a Chainlog API key in the query string, limited per key by the access layer", () => {
  it("an invalid key is refused in the envelope; a valid one draws on its own bucket", async () => {
    const limited = await openApiHarness({
      blocks: chain.slice(0, 2),
      settings: { keyRateLimit: { perSecond: 0.001, burst: 2 } },
    });
    try {
      const bad = await limited.app.inject({
        method: "GET",
        url: `/api?module=stats&action=ethprice&apikey=clk_x`,
      });
      expect(bad.statusCode).toBe(401);
      expect(bad.json()).toEqual({ status: "0", message: "NOTOK", result: MESSAGES.apiKey });
      const signup = await limited.app.inject({
        method: "POST",
        url: "/v1/auth/signup",
        payload: { email: "es@example.org", password: "a long enough password" },
      });
      const cookie = String(signup.headers["set-cookie"]).split(";")[0]!;
      const key = (
        await limited.app.inject({
          method: "POST",
          url: "/v1/keys",
          headers: { cookie },
          payload: { name: "es", scopes: ["read"] },
        })
      ).json().key as string;
      const url = `/api?module=block&action=getblocknobytime&timestamp=1&closest=after&apikey=${key}`;
      for (let i = 0; i < 2; i++)
        expect((await limited.app.inject({ method: "GET", url })).json()).toMatchObject({ status: "1" });
      const third = await limited.app.inject({ method: "GET", url });
      expect(third.statusCode).toBe(429);
      expect(third.headers["retry-after"]).toBeDefined();
      expect(third.json()).toMatchObject({
        status: "0",
        message: "NOTOK",
        result: expect.stringMatching(/rate limit/),
      });
      // Anonymous callers have their own (here unlimited) bucket: the key's is spent, theirs is not.
      const anonymous = await limited.app.inject({ method: "GET", url: url.replace(/&apikey=.*/, "") });
      expect(anonymous.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
