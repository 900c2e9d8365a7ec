import { randomBytes, randomUUID } from "node:crypto";
import { decodeLogs } from "@chainlog/decoders";
import {
  type Anvil,
  approveErc20,
  connectDevnet,
  deployWalletMarket,
  erc20At,
  erc721At,
  mintErc20,
  stakingVaultAt,
  startAnvil,
  swapRouterAt,
} from "@chainlog/devnet";
import { buildBlock } from "@chainlog/ports/contract";
import { createRpcPool, type RpcPool } from "@chainlog/rpc";
import { createLogger } from "@chainlog/telemetry";
import { encodeFunctionData, type Hex, parseEther, type TransactionReceipt } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, openApiHarness } from "../test-support/api-harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are probed field by field in assertions
type Json = Record<string, any>;
const logger = createLogger("wallet-test", "silent");
const hex = (n: number) => randomBytes(n).toString("hex");

/** A keystore of the right shape; the server cannot and does not decrypt it, so random bytes do. */
function keystoreFor(address: string, kdfIterations = 600_000) {
  return {
    version: 3,
    id: randomUUID(),
    address: address.slice(2).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      ciphertext: hex(32),
      cipherparams: { iv: hex(16) },
      kdf: "pbkdf2",
      kdfparams: { c: kdfIterations, dklen: 32, prf: "hmac-sha256", salt: hex(32) },
      mac: hex(32),
    },
  };
}

interface Agent {
  email: string;
  call(method: string, url: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

function agents(h: () => ApiHarness) {
  let n = 0;
  const call = async (method: string, url: string, body?: unknown, cookie?: string) => {
    const res = await h().app.inject({
      method: method as "GET",
      url,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(cookie ? { cookie } : {}),
      },
      ...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: (res.body ? res.json() : {}) as Json };
  };
  return {
    anonymous: (method: string, url: string, body?: unknown) => call(method, url, body),
    async signUp(): Promise<Agent> {
      const email = `wallet${++n}-${Date.now()}@example.com`;
      const res = await h().app.inject({
        method: "POST",
        url: "/v1/auth/signup",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ email, password: "correct horse battery" }),
      });
      expect(res.statusCode).toBe(201);
      const cookie = String(res.headers["set-cookie"]).split(";")[0]!;
      return { email, call: (method, url, body) => call(method, url, body, cookie) };
    },
  };
}

const rpcBody = (method: string, params: unknown[] = [], id: number | string = 1) => ({
  jsonrpc: "2.0",
  id,
  method,
  params,
});

describe("wallet, faucet and relay on a devnet", () => {
  let anvil: Anvil;
  let pool: RpcPool;
  let h: ApiHarness;
  let token: `0x${string}`;
  let gold: `0x${string}`;
  let pair: `0x${string}`;
  let router: `0x${string}`;
  let vault: `0x${string}`;
  let nft: `0x${string}`;
  const users = agents(() => h);

  beforeAll(async () => {
    anvil = await startAnvil({ accounts: 3 });
    const client = await connectDevnet(anvil.rpcUrl);
    ({ token, gold, pair, router, nft, vault } = await deployWalletMarket(client, {
      stake: "gold",
      rewardPerSecond: 10n ** 12n,
    }));
    pool = createRpcPool({ endpoints: [{ url: anvil.rpcUrl }], logger });
    h = await openApiHarness({
      rpc: pool,
      settings: {
        faucet: { chainIds: [31337], eth: 2.5, tokens: [token], tokenUnits: 1000, nfts: [nft] },
        swap: { pairs: [pair], router },
        stakeVaults: [vault],
        relayRateLimit: { perSecond: 1, burst: 40 },
        relayBodyLimit: 4096,
        walletLookupRateLimit: { perSecond: 1 / 3600, burst: 5 },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    pool?.close();
    await anvil?.stop();
  });

  it("keeps the keystore for its owner only; others get 404, a taken address 409, anonymous 401", async () => {
    const alice = await users.signUp();
    const bob = await users.signUp();
    const address = privateKeyToAccount(generatePrivateKey()).address;
    const keystore = keystoreFor(address);
    expect((await alice.call("GET", "/v1/wallet")).status).toBe(404);
    const put = await alice.call("PUT", "/v1/wallet", { keystore });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ address: address.toLowerCase(), keystore });
    expect((await alice.call("GET", "/v1/wallet")).body.keystore).toEqual(keystore);
    expect((await bob.call("GET", "/v1/wallet")).status).toBe(404);
    expect((await users.anonymous("GET", "/v1/wallet")).status).toBe(401);
    expect((await users.anonymous("GET", `/v1/wallet/lookup?email=${alice.email}`)).status).toBe(401);
    expect((await users.anonymous("GET", "/v1/wallet/finality")).body).toEqual({ confirmations: 12 });
    // Sending to a user by name: the address, never the keystore.
    const found = await bob.call("GET", `/v1/wallet/lookup?email=${alice.email.toUpperCase()}`);
    expect(found.body).toEqual({ email: alice.email.toUpperCase(), address: address.toLowerCase() });
    // An unknown e-mail answers the same shape, so a client cannot tell a refusal from an absence.
    const unknown = await bob.call("GET", "/v1/wallet/lookup?email=nobody@example.com");
    expect(unknown).toEqual({ status: 200, body: { email: "nobody@example.com", address: null } });
    const taken = await bob.call("PUT", "/v1/wallet", { keystore: keystoreFor(address) });
    expect(taken.status).toBe(409);
    expect((await alice.call("GET", "/v1/wallet")).body.keystore).toEqual(keystore);
  });

  it("never overwrites a keystore silently: replacing one takes its current address", async () => {
    const erin = await users.signUp();
    const first = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
    const keystore = keystoreFor(first);
    expect((await erin.call("PUT", "/v1/wallet", { keystore })).status).toBe(200);
    const second = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
    const next = keystoreFor(second);
    const blind = await erin.call("PUT", "/v1/wallet", { keystore: next });
    expect(blind.status).toBe(409);
    expect(blind.body.error).toMatchObject({ code: "wallet_exists", parameter: "body.replace" });
    expect(blind.body.error.message).toContain(first);
    // the same key re-encrypted (a new password) is an overwrite too
    const reencrypted = keystoreFor(first);
    expect((await erin.call("PUT", "/v1/wallet", { keystore: reencrypted })).status).toBe(409);
    const wrong = await erin.call("PUT", "/v1/wallet", { keystore: next, replace: second });
    expect(wrong.status).toBe(409);
    expect((await erin.call("GET", "/v1/wallet")).body.keystore).toEqual(keystore);
    const replaced = await erin.call("PUT", "/v1/wallet", {
      keystore: next,
      replace: first.toUpperCase().replace("0X", "0x"),
    });
    expect(replaced.status).toBe(200);
    expect((await erin.call("GET", "/v1/wallet")).body).toMatchObject({ address: second, keystore: next });
  });

  it("limits e-mail lookups per user, known and unknown alike", async () => {
    const mallory = await users.signUp();
    const victim = await users.signUp();
    await victim.call("PUT", "/v1/wallet", {
      keystore: keystoreFor(privateKeyToAccount(generatePrivateKey()).address),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const email = i % 2 ? victim.email : `guess${i}@example.com`;
      statuses.push((await mallory.call("GET", `/v1/wallet/lookup?email=${email}`)).status);
    }
    // burst 5 in this harness: the sixth lookup is refused whatever e-mail it asks about
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = await mallory.call("GET", `/v1/wallet/lookup?email=${victim.email}`);
    expect(refused.body).toMatchObject({ error: { code: "rate_limited" } });
    expect(refused.body.address).toBeUndefined();
    // another user's lookups are their own
    expect((await victim.call("GET", `/v1/wallet/lookup?email=${mallory.email}`)).status).toBe(200);
  });

  it("refuses keystores that are not v3 or derive their key too cheaply", async () => {
    const carol = await users.signUp();
    const address = privateKeyToAccount(generatePrivateKey()).address;
    const weak = await carol.call("PUT", "/v1/wallet", { keystore: keystoreFor(address, 1000) });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/iterations/);
    // A raw private key where the keystore goes is refused by shape, and nothing is stored.
    const raw = await carol.call("PUT", "/v1/wallet", { keystore: generatePrivateKey() });
    expect(raw.status).toBe(400);
    const plain = { ...keystoreFor(address), crypto: { privateKey: generatePrivateKey() } };
    expect((await carol.call("PUT", "/v1/wallet", { keystore: plain })).status).toBe(400);
    expect((await carol.call("GET", "/v1/wallet")).status).toBe(404);
  });

  it("the faucet funds a wallet with ETH and the tokens once, on the node, and refuses a second time", async () => {
    const dave = await users.signUp();
    expect((await dave.call("POST", "/v1/wallet/faucet")).status).toBe(404);
    const account = privateKeyToAccount(generatePrivateKey());
    await dave.call("PUT", "/v1/wallet", { keystore: keystoreFor(account.address) });
    const funded = await dave.call("POST", "/v1/wallet/faucet");
    expect(funded.status, JSON.stringify(funded.body)).toBe(200);
    expect(funded.body.chainId).toBe(31337);
    expect(funded.body.grants.map((g: Json) => [g.asset, g.amount])).toEqual([
      ["ETH", parseEther("2.5").toString()],
      [token.toLowerCase(), "1000000000"],
      [nft.toLowerCase(), "1"],
    ]);
    // The NFT's id is the wallet's address, so no other grant can take it.
    const tokenId = BigInt(account.address);
    expect(funded.body.grants[2].tokenId).toBe(tokenId.toString());
    const client = await connectDevnet(anvil.rpcUrl);
    for (const g of funded.body.grants)
      expect((await client.waitForTransactionReceipt({ hash: g.transactionHash })).status).toBe("success");
    expect(await client.getBalance({ address: account.address })).toBe(parseEther("2.5"));
    expect(
      await client.readContract({ ...erc20At(token), functionName: "balanceOf", args: [account.address] }),
    ).toBe(1_000_000_000n);
    expect(await client.readContract({ ...erc721At(nft), functionName: "ownerOf", args: [tokenId] })).toBe(
      account.address,
    );
    const again = await dave.call("POST", "/v1/wallet/faucet");
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_funded");
    // A new key for the same user is not a new grant either.
    await dave.call("PUT", "/v1/wallet", {
      keystore: keystoreFor(privateKeyToAccount(generatePrivateKey()).address),
    });
    expect((await dave.call("POST", "/v1/wallet/faucet")).status).toBe(409);
  });

  it("relays the allow-listed calls a wallet signs with, and sends its raw transaction", async () => {
    const erin = await users.signUp();
    const key = generatePrivateKey();
    const account = privateKeyToAccount(key);
    await erin.call("PUT", "/v1/wallet", { keystore: keystoreFor(account.address) });
    expect((await erin.call("POST", "/v1/wallet/faucet")).status).toBe(200);
    const client = await connectDevnet(anvil.rpcUrl);
    await client.mine({ blocks: 1 });
    const relay = async (method: string, params: unknown[] = []) => {
      const res = await erin.call("POST", "/v1/rpc", rpcBody(method, params, 7));
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(7);
      return res.body;
    };
    expect((await relay("eth_chainId")).result).toBe("0x7a69");
    const nonce = (await relay("eth_getTransactionCount", [account.address, "pending"])).result;
    expect(nonce).toBe("0x0");
    const gasPrice = BigInt((await relay("eth_gasPrice")).result);
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const signed = await account.signTransaction({
      chainId: 31337,
      nonce: 0,
      to,
      value: 12_345n,
      gas: 21_000n,
      maxFeePerGas: gasPrice * 2n,
      maxPriorityFeePerGas: 1n,
      type: "eip1559",
    });
    const sent = await relay("eth_sendRawTransaction", [signed]);
    expect(sent.result).toMatch(/^0x[0-9a-f]{64}$/);
    await client.waitForTransactionReceipt({ hash: sent.result as Hex });
    expect((await relay("eth_getTransactionReceipt", [sent.result])).result.status).toBe("0x1");
    expect(await client.getBalance({ address: to })).toBe(12_345n);
    // The node's own error comes back as a JSON-RPC error: the same nonce again.
    const replay = await relay("eth_sendRawTransaction", [signed]);
    expect(replay.error.code).toEqual(expect.any(Number));
  });

  it("refuses every method outside the allow-list without reaching the node", async () => {
    const frank = await users.signUp();
    const victim = privateKeyToAccount(generatePrivateKey()).address;
    for (const [method, params] of [
      ["anvil_setBalance", [victim, "0xffffffffffff"]],
      ["eth_sendTransaction", [{ to: victim, value: "0x1" }]],
      ["eth_accounts", []],
      ["debug_traceTransaction", ["0x" + "00".repeat(32)]],
      ["admin_peers", []],
      ["eth_subscribe", ["newHeads"]],
      ["personal_sign", ["0x00", victim]],
    ] as const) {
      const res = await frank.call("POST", "/v1/rpc", rpcBody(method, [...params]));
      expect(res.status, method).toBe(200);
      expect(res.body.error, method).toEqual({
        code: -32601,
        message: `method ${method} is not available through the relay`,
      });
      expect(res.body.result, method).toBeUndefined();
    }
    const client = await connectDevnet(anvil.rpcUrl);
    expect(await client.getBalance({ address: victim })).toBe(0n);
    expect((await users.anonymous("POST", "/v1/rpc", rpcBody("eth_chainId"))).status).toBe(401);
    // Bodies past the relay's limit and batches are refused before anything is sent.
    const big = await frank.call(
      "POST",
      "/v1/rpc",
      rpcBody("eth_sendRawTransaction", [`0x${"00".repeat(4096)}`]),
    );
    expect(big.status).toBe(413);
    expect((await frank.call("POST", "/v1/rpc", [rpcBody("eth_chainId")])).status).toBe(400);
  });

  it("quotes a swap from the pair's current reserves; the signed swap gets it, and reverts past its minimum", async () => {
    const quote = async (query: string) => users.anonymous("GET", `/v1/swap/quote?${query}`);
    const q = await quote(
      `tokenIn=${token}&tokenOut=${gold}&amountIn=${20_000n * 10n ** 6n}&slippageBps=100`,
    );
    expect(q.status, JSON.stringify(q.body)).toBe(200);
    const client = await connectDevnet(anvil.rpcUrl);
    const onChain = await client.readContract({
      ...swapRouterAt(router),
      functionName: "getAmountOut",
      args: [20_000n * 10n ** 6n, 2_000_000n * 10n ** 6n, 10n ** 21n],
    });
    expect(q.body).toMatchObject({
      pair: pair.toLowerCase(),
      router: router.toLowerCase(),
      amountOut: onChain.toString(),
      minimumOut: ((onChain * 9900n) / 10000n).toString(),
      reserveIn: (2_000_000n * 10n ** 6n).toString(),
      reserveOut: (10n ** 21n).toString(),
      blockNumber: Number(await client.getBlockNumber()),
    });
    // 1% of the pool moves the price about 1%.
    expect(q.body.priceImpact).toBeGreaterThan(0.0095);
    expect(q.body.priceImpact).toBeLessThan(0.0105);
    expect((await users.anonymous("GET", "/v1/swap/pairs")).body).toEqual({
      router: router.toLowerCase(),
      items: [
        {
          pair: pair.toLowerCase(),
          ...(BigInt(token) < BigInt(gold)
            ? { token0: token.toLowerCase(), token1: gold.toLowerCase() }
            : { token0: gold.toLowerCase(), token1: token.toLowerCase() }),
        },
      ],
    });
    expect((await quote(`tokenIn=${token}&tokenOut=${token}&amountIn=1`)).status).toBe(404);
    expect((await users.anonymous("GET", "/v1/stake/vaults")).body).toEqual({
      items: [{ vault: vault.toLowerCase(), asset: gold.toLowerCase() }],
    });
    expect((await quote(`tokenIn=${token}&tokenOut=${router}&amountIn=1`)).status).toBe(404);
    expect((await quote(`tokenIn=${token}&tokenOut=${gold}&amountIn=0`)).status).toBe(400);

    // A wallet signs approve + swap with the quote's minimum and a deadline, through the relay.
    const user = await users.signUp();
    const account = privateKeyToAccount(generatePrivateKey());
    await user.call("PUT", "/v1/wallet", { keystore: keystoreFor(account.address) });
    expect((await user.call("POST", "/v1/wallet/faucet")).status).toBe(200);
    await client.mine({ blocks: 1 });
    const gasPrice = BigInt((await user.call("POST", "/v1/rpc", rpcBody("eth_gasPrice"))).body.result);
    let nonce = 0;
    const sendSigned = async (to: `0x${string}`, data: Hex) => {
      const raw = await account.signTransaction({
        chainId: 31337,
        nonce: nonce++,
        to,
        data,
        gas: 300_000n,
        maxFeePerGas: gasPrice * 2n,
        maxPriorityFeePerGas: 1n,
        type: "eip1559",
      });
      const sent = await user.call("POST", "/v1/rpc", rpcBody("eth_sendRawTransaction", [raw]));
      return client.waitForTransactionReceipt({ hash: sent.body.result as Hex });
    };
    const amountIn = 100n * 10n ** 6n;
    const fresh = await quote(`tokenIn=${token}&tokenOut=${gold}&amountIn=${amountIn}&slippageBps=50`);
    await sendSigned(
      token,
      encodeFunctionData({ ...erc20At(token), functionName: "approve", args: [router, amountIn] }),
    );
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 600);
    const swapData = (minimum: bigint) =>
      encodeFunctionData({
        ...swapRouterAt(router),
        functionName: "swapExactTokensForTokens",
        args: [pair, token, amountIn, minimum, account.address, deadline],
      });
    // The price moved past the limit: the node refuses it at estimation, and says why.
    const tooMuch = BigInt(fresh.body.amountOut) + 1n;
    const estimate = await user.call(
      "POST",
      "/v1/rpc",
      rpcBody("eth_estimateGas", [{ from: account.address, to: router, data: swapData(tooMuch) }]),
    );
    expect(estimate.body.error.message).toContain("UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT");
    const receipt = await sendSigned(router, swapData(BigInt(fresh.body.minimumOut)));
    expect(receipt.status).toBe("success");
    expect(
      await client.readContract({ ...erc20At(gold), functionName: "balanceOf", args: [account.address] }),
    ).toBe(BigInt(fresh.body.amountOut));
  });

  it("sums staked positions from the indexed ERC-4626 events and values them with the vault at the node's head", async () => {
    const client = await connectDevnet(anvil.rpcUrl);
    const staker = (await client.getAddresses())[1]!;
    const me = staker.toLowerCase();
    const v = stakingVaultAt(vault);
    await mintErc20(client, { token: gold, to: staker, amount: 100n * 10n ** 18n });
    await approveErc20(client, { token: gold, spender: vault, amount: 100n * 10n ** 18n, account: staker });
    const sent = async (hash: Hex) => client.waitForTransactionReceipt({ hash });
    const deposit = await sent(
      await client.writeContract({
        ...v,
        functionName: "deposit",
        args: [60n * 10n ** 18n, staker],
        account: staker,
      }),
    );
    await client.increaseTime({ seconds: 3600 });
    await client.mine({ blocks: 1 });
    const shares = await client.readContract({ ...v, functionName: "balanceOf", args: [staker] });
    const redeem = await sent(
      await client.writeContract({
        ...v,
        functionName: "redeem",
        args: [shares / 3n, staker, staker],
        account: staker,
      }),
    );
    // What the processor stores for these blocks: the decoder's rows from the node's own receipts.
    const indexed = (r: TransactionReceipt) => {
      const { vaultEvents } = decodeLogs(
        r.logs.map((l) => ({
          blockNumber: Number(l.blockNumber),
          blockHash: l.blockHash,
          transactionHash: l.transactionHash,
          transactionIndex: l.transactionIndex,
          logIndex: l.logIndex,
          address: l.address.toLowerCase(),
          topics: l.topics,
          data: l.data,
        })),
      );
      return { ...buildBlock({ number: Number(r.blockNumber) }), vaultEvents };
    };
    const [depositBlock, redeemBlock] = [indexed(deposit), indexed(redeem)];
    await h.store.writeBlocks([depositBlock, redeemBlock]);
    const [withdrawn] = redeemBlock.vaultEvents;
    expect(withdrawn).toMatchObject({
      kind: "withdraw",
      owner: me,
      receiver: me,
      shares: (shares / 3n).toString(),
    });

    const res = await users.anonymous("GET", `/v1/address/${staker}/stake`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const head = await client.getBlockNumber({ cacheTime: 0 });
    const left = shares - shares / 3n;
    expect(left).toBe(await client.readContract({ ...v, functionName: "balanceOf", args: [staker] }));
    const value = await client.readContract({
      ...v,
      functionName: "convertToAssets",
      args: [left],
      blockNumber: head,
    });
    const out = BigInt(withdrawn!.assets);
    expect(res.body).toMatchObject({ address: me, blockNumber: Number(head) });
    expect(res.body.items).toEqual([
      {
        vault: vault.toLowerCase(),
        asset: gold.toLowerCase(),
        shares: left.toString(),
        value: value.toString(),
        deposited: (60n * 10n ** 18n).toString(),
        withdrawn: out.toString(),
        rewards: (value + out - 60n * 10n ** 18n).toString(),
        events: 2,
        lastBlockNumber: Number(redeem.blockNumber),
      },
    ]);
    // an hour of rewards at 10^12 a second, shared by the vault's stakers: the position earned some of it
    expect(BigInt(res.body.items[0].rewards)).toBeGreaterThan(0n);
    expect(BigInt(res.body.items[0].rewards)).toBeLessThanOrEqual(3600n * 10n ** 12n + 10n ** 13n);

    const events = await users.anonymous("GET", `/v1/address/${staker}/stake/events?limit=1`);
    expect(events.body.items.map((e: Json) => e.kind)).toEqual(["withdraw"]);
    expect(events.body.nextCursor).toEqual(expect.any(String));
    const nobody = privateKeyToAccount(generatePrivateKey()).address;
    expect((await users.anonymous("GET", `/v1/address/${nobody}/stake`)).body).toEqual({
      address: nobody.toLowerCase(),
      blockNumber: null,
      items: [],
      tokens: {},
    });

    // The redeem's block rolled back: the position is the whole deposit again.
    await h.store.rollbackBlock({ number: redeemBlock.block.number, hash: redeemBlock.block.hash });
    const after = await users.anonymous("GET", `/v1/address/${staker}/stake`);
    expect(after.body.items[0]).toMatchObject({ shares: shares.toString(), withdrawn: "0", events: 1 });
  });

  it("limits node calls per user: one user's flood does not slow another", async () => {
    const greedy = await users.signUp();
    const other = await users.signUp();
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++)
      statuses.push((await greedy.call("POST", "/v1/rpc", rpcBody("eth_chainId"))).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect((await other.call("POST", "/v1/rpc", rpcBody("eth_chainId"))).status).toBe(200);
  });
});

describe("faucet on a chain that is not a devnet", () => {
  let anvil: Anvil;
  let pool: RpcPool;
  let h: ApiHarness;
  const users = agents(() => h);

  beforeAll(async () => {
    // A node serving chain id 1: what a mainnet endpoint answers.
    anvil = await startAnvil({ chainId: 1, accounts: 2 });
    pool = createRpcPool({ endpoints: [{ url: anvil.rpcUrl }], logger });
    h = await openApiHarness({ rpc: pool });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    pool?.close();
    await anvil?.stop();
  });

  it("refuses with a clear error and sends nothing", async () => {
    const user = await users.signUp();
    const address = privateKeyToAccount(generatePrivateKey()).address;
    await user.call("PUT", "/v1/wallet", { keystore: keystoreFor(address) });
    const res = await user.call("POST", "/v1/wallet/faucet");
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({
      code: "not_a_devnet",
      message: "the faucet only funds on a devnet (chain id 31337); this node serves chain 1",
    });
    const client = await connectDevnet(anvil.rpcUrl);
    expect(await client.getBalance({ address })).toBe(0n);
    expect(await client.getBlockNumber()).toBe(0n);
  });
});
