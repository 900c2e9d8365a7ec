import { type AdapterLogger, sleep } from "@chainlog/telemetry";
import { ChainlogError } from "@chainlog/tx-schema";
import {
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
  parseEther,
  stringToHex,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { getAmountOut } from "./actions.ts";
import {
  erc20Artifact,
  erc721Artifact,
  erc1155Artifact,
  stakingVaultArtifact,
  swapRouterArtifact,
  uniswapV2PairArtifact,
  weth9Artifact,
} from "./artifacts.ts";
import { connectDevnet, type DevnetClient } from "./client.ts";

export interface WorkloadContracts {
  erc20: Address;
  erc721: Address;
  erc1155: Address;
  weth: Address;
  tokenA: Address;
  tokenB: Address;
  /** tokenA/tokenB */
  pair: Address;
  /** A 6-decimal dollar token ("cUSD"): the devnet's stablecoin for USD prices. */
  stablecoin: Address;
  /** WETH/stablecoin: prices ETH in USD. */
  wethStablePair: Address;
  /** tokenA/WETH: prices tokenA in ETH. */
  tokenWethPair: Address;
  /** A Uniswap-V2-style router (exact input, minimum output, deadline): what wallet swaps go through. */
  router: Address;
  /** An ERC-4626-style staking vault over tokenA, accruing 0.01 TKA a second to its stakers. */
  vault: Address;
}

export interface RunWorkloadParameters {
  rpcUrl: string;
  /** Fresh accounts that send the traffic, funded from the node's unlocked accounts. Default 50. */
  accounts?: number;
  /** Target send rate over all kinds of transactions. Default 20. */
  txPerSecond?: number;
  signal: AbortSignal;
  logger?: AdapterLogger;
  /** Transactions sent but not yet answered by the node; sends pause above it. Default 64. */
  maxInFlight?: number;
  /** Seed of the fresh accounts' keys (same seed, same addresses). Default "chainlog-workload". */
  seed?: string;
  /** Called once the contracts are deployed and the accounts funded, before the traffic starts. */
  onReady?: (contracts: WorkloadContracts, accounts: Address[]) => void;
}

export interface WorkloadStats {
  sent: number;
  failed: number;
  /** Sends skipped because maxInFlight was reached (the node is slower than the target rate). */
  throttled: number;
  byKind: Record<string, number>;
}

/** Relative weights of the kinds of traffic: mostly ETH transfers, then ERC-20, the rest at lower rates. */
const MIX: [Kind, number][] = [
  ["eth", 60],
  ["erc20", 20],
  ["erc721", 5],
  ["erc1155", 5],
  ["weth", 5],
  ["swap", 5],
];
type Kind = "eth" | "erc20" | "erc721" | "erc1155" | "weth" | "swap";

const GAS: Record<Kind, bigint> = {
  eth: 21_000n,
  erc20: 80_000n,
  erc721: 120_000n,
  erc1155: 120_000n,
  weth: 80_000n,
  swap: 200_000n,
};

interface Sender {
  account: PrivateKeyAccount;
  nonce: number;
  /** A send failed: the local nonce may have a gap; re-read it from the node before the next send. */
  stale: boolean;
  busy: boolean;
}

export interface RunningWorkload {
  contracts: WorkloadContracts;
  accounts: Address[];
  /** The traffic: settles once the signal aborts, with what was sent. */
  done: Promise<WorkloadStats>;
}

/**
 * runWorkload, resolved once its contracts are deployed and its accounts funded; rejects with the workload's own
 * error, or says so when it stopped before it was ready.
 */
export async function startWorkload(
  params: Omit<RunWorkloadParameters, "onReady">,
): Promise<RunningWorkload> {
  let ready: (r: Omit<RunningWorkload, "done">) => void = () => undefined;
  const deployed = new Promise<Omit<RunningWorkload, "done">>((r) => {
    ready = r;
  });
  const done = runWorkload({ ...params, onReady: (contracts, accounts) => ready({ contracts, accounts }) });
  const stoppedEarly = done.then(() => {
    throw new Error("the devnet workload stopped before deploying its contracts");
  });
  // once ready, the workload ending is the caller's to handle through `done`
  stoppedEarly.catch(() => undefined);
  return { ...(await Promise.race([deployed, stoppedEarly])), done };
}

/**
 * Generates devnet traffic until `signal` aborts: deploys the token contracts and a pair from the node's first
 * unlocked account, funds fresh accounts, then sends locally signed transactions from them at `txPerSecond`.
 * Never waits for receipts in the loop (so block time does not cap the rate); nonces are tracked locally and
 * re-read from the node after any failed send.
 */
export async function runWorkload(params: RunWorkloadParameters): Promise<WorkloadStats> {
  const { rpcUrl, signal, logger } = params;
  const accountCount = params.accounts ?? 50;
  const rate = params.txPerSecond ?? 20;
  const maxInFlight = params.maxInFlight ?? 64;
  const client = await connectDevnet(rpcUrl);
  const stats: WorkloadStats = { sent: 0, failed: 0, throttled: 0, byKind: {} };

  const senders: Sender[] = Array.from({ length: accountCount }, (_, i) => ({
    account: privateKeyToAccount(keccak256(stringToHex(`${params.seed ?? "chainlog-workload"}:${i}`))),
    nonce: 0,
    stale: true,
    busy: false,
  }));
  const contracts = await setUp(client, senders);
  logger?.info({ contracts, accounts: senders.length }, "workload ready");
  params.onReady?.(
    contracts,
    senders.map((s) => s.account.address),
  );

  let fees = await currentFees(client);
  let feesAt = Date.now();
  let inFlight = 0;
  let nextTokenId = BigInt(Date.now()) * 1000n;
  const minted: { owner: number; tokenId: bigint }[] = [];
  let lastWarn = 0;
  const totalWeight = MIX.reduce((s, [, w]) => s + w, 0);
  const pickKind = (): Kind => {
    let r = Math.random() * totalWeight;
    for (const [kind, w] of MIX) {
      r -= w;
      if (r < 0) return kind;
    }
    return "eth";
  };
  const randomIndex = (n: number) => Math.floor(Math.random() * n);

  const buildCall = (kind: Kind, from: number): { to: Address; data?: Hex; value?: bigint } => {
    const me = senders[from] as Sender;
    const other = (senders[(from + 1 + randomIndex(senders.length - 1)) % senders.length] as Sender).account
      .address;
    switch (kind) {
      case "eth":
        return { to: other, value: BigInt(1 + randomIndex(1000)) * 10n ** 12n };
      case "erc20":
        return {
          to: contracts.erc20,
          data: encodeFunctionData({
            abi: erc20Artifact.abi,
            functionName: "transfer",
            args: [other, BigInt(1 + randomIndex(1000)) * 10n ** 15n],
          }),
        };
      case "erc721": {
        // Half the time pass on an id this sender minted or received earlier (if the mint has not landed yet the
        // transfer reverts, which is realistic traffic too); otherwise mint a new id.
        const held = Math.random() < 0.5 ? minted.findIndex((t) => t.owner === from) : -1;
        const token = held >= 0 ? minted[held] : undefined;
        if (token) {
          token.owner = (from + 1 + randomIndex(senders.length - 1)) % senders.length;
          const to = (senders[token.owner] as Sender).account.address;
          return {
            to: contracts.erc721,
            data: encodeFunctionData({
              abi: erc721Artifact.abi,
              functionName: "transferFrom",
              args: [me.account.address, to, token.tokenId],
            }),
          };
        }
        const tokenId = nextTokenId++;
        minted.push({ owner: from, tokenId });
        if (minted.length > 1000) minted.shift();
        return {
          to: contracts.erc721,
          data: encodeFunctionData({
            abi: erc721Artifact.abi,
            functionName: "mint",
            args: [me.account.address, tokenId],
          }),
        };
      }
      case "erc1155":
        return Math.random() < 0.7
          ? {
              to: contracts.erc1155,
              data: encodeFunctionData({
                abi: erc1155Artifact.abi,
                functionName: "safeTransferFrom",
                args: [me.account.address, other, BigInt(1 + randomIndex(5)), 1n, "0x"],
              }),
            }
          : {
              to: contracts.erc1155,
              data: encodeFunctionData({
                abi: erc1155Artifact.abi,
                functionName: "safeBatchTransferFrom",
                args: [me.account.address, other, [1n, 2n, 3n], [1n, 1n, 1n], "0x"],
              }),
            };
      case "weth":
        return Math.random() < 0.6
          ? {
              to: contracts.weth,
              data: encodeFunctionData({ abi: weth9Artifact.abi, functionName: "deposit" }),
              value: parseEther("0.01"),
            }
          : {
              to: contracts.weth,
              data: encodeFunctionData({
                abi: weth9Artifact.abi,
                functionName: "withdraw",
                args: [parseEther("0.001")],
              }),
            };
      case "swap":
        // Filled in by sendSwap (two transactions); unreachable here.
        return { to: contracts.pair };
    }
  };

  const sendOne = async (sender: Sender, call: { to: Address; data?: Hex; value?: bigint }, gas: bigint) => {
    const serialized = await sender.account.signTransaction({
      chainId: client.chain.id,
      type: "eip1559",
      nonce: sender.nonce,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      to: call.to,
      data: call.data,
      value: call.value ?? 0n,
    });
    sender.nonce += 1;
    await client.sendRawTransaction({ serializedTransaction: serialized });
  };

  const pairs: [Address, Address, Address][] = [
    [contracts.pair, contracts.tokenA, contracts.tokenB],
    [contracts.wethStablePair, contracts.weth, contracts.stablecoin],
    [contracts.tokenWethPair, contracts.tokenA, contracts.weth],
  ];
  // Input sizes small against each pool's reserves: 0.01–1 TKA/TKB-raw, 0.001–0.1 WETH, 1–100 cUSD.
  const unitOf = (token: Address) =>
    token === contracts.weth ? 10n ** 15n : token === contracts.stablecoin ? 10n ** 6n : 10n ** 16n;
  const sendSwap = async (sender: Sender) => {
    const [pair, a, b] = pairs[randomIndex(pairs.length)] as (typeof pairs)[number];
    const [reserve0, reserve1] = await client.readContract({
      address: pair,
      abi: uniswapV2PairArtifact.abi,
      functionName: "getReserves",
    });
    const zeroForOne = Math.random() < 0.5;
    const token0 = BigInt(a) < BigInt(b) ? a : b;
    const token1 = token0 === a ? b : a;
    const tokenIn = zeroForOne ? token0 : token1;
    const amountIn = BigInt(1 + randomIndex(100)) * unitOf(tokenIn);
    // A 10% margin: other swaps may land between our quote and our swap.
    const out = zeroForOne
      ? getAmountOut(amountIn, reserve0, reserve1)
      : getAmountOut(amountIn, reserve1, reserve0);
    const amountOut = (out * 9n) / 10n;
    await sendOne(
      sender,
      {
        to: tokenIn,
        data: encodeFunctionData({
          abi: erc20Artifact.abi,
          functionName: "transfer",
          args: [pair, amountIn],
        }),
      },
      GAS.erc20,
    );
    await sendOne(
      sender,
      {
        to: pair,
        data: encodeFunctionData({
          abi: uniswapV2PairArtifact.abi,
          functionName: "swap",
          args: zeroForOne
            ? [0n, amountOut, sender.account.address]
            : [amountOut, 0n, sender.account.address],
        }),
      },
      GAS.swap,
    );
  };

  const fire = async (kind: Kind, index: number) => {
    const sender = senders[index] as Sender;
    sender.busy = true;
    inFlight += 1;
    try {
      if (sender.stale) {
        sender.nonce = await client.getTransactionCount({
          address: sender.account.address,
          blockTag: "pending",
        });
        sender.stale = false;
      }
      if (kind === "swap") await sendSwap(sender);
      else await sendOne(sender, buildCall(kind, index), GAS[kind]);
      stats.sent += kind === "swap" ? 2 : 1;
      stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    } catch (error) {
      // Nonce too low/high, replacement underpriced, a node hiccup: re-read the nonce and carry on.
      sender.stale = true;
      stats.failed += 1;
      if (Date.now() - lastWarn > 5_000) {
        lastWarn = Date.now();
        logger?.warn({ kind, err: error }, "workload send failed");
      }
    } finally {
      sender.busy = false;
      inFlight -= 1;
    }
  };

  const started = Date.now();
  let due = 0;
  let lastReport = started;
  while (!signal.aborted) {
    await sleep(20, signal);
    if (Date.now() - feesAt > 5_000) {
      fees = await currentFees(client).catch(() => fees);
      feesAt = Date.now();
    }
    due = Math.min(
      rate * ((Date.now() - started) / 1000) - stats.sent - stats.failed - stats.throttled,
      rate,
    );
    while (due >= 1 && !signal.aborted) {
      due -= 1;
      if (inFlight >= maxInFlight) {
        stats.throttled += 1;
        continue;
      }
      // One transaction in flight per sender keeps its nonces in order.
      const start = randomIndex(senders.length);
      let index = -1;
      for (let i = 0; i < senders.length; i++) {
        const candidate = (start + i) % senders.length;
        if (!(senders[candidate] as Sender).busy) {
          index = candidate;
          break;
        }
      }
      if (index < 0) {
        stats.throttled += 1;
        continue;
      }
      void fire(pickKind(), index);
    }
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      logger?.info({ ...stats }, "workload progress");
    }
  }
  while (inFlight > 0) await sleep(10);
  return stats;
}

async function currentFees(
  client: DevnetClient,
): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
  const block = await client.getBlock({ blockTag: "latest" });
  const base = block.baseFeePerGas ?? 1_000_000_000n;
  const maxPriorityFeePerGas = 1_000_000n;
  return { maxFeePerGas: base * 3n + maxPriorityFeePerGas, maxPriorityFeePerGas };
}

/**
 * Deploys the contracts and funds the senders from the first unlocked account. Every transaction is sent at once
 * with explicit nonces and gas (addresses follow from the deployer's nonce), and only the last is awaited, so
 * set-up takes about one block even when the node mines on a timer.
 */
async function setUp(client: DevnetClient, senders: Sender[]): Promise<WorkloadContracts> {
  const [deployer] = await client.getAddresses();
  if (!deployer) throw new ChainlogError("the node has no unlocked account to fund the workload");
  let nonce = await client.getTransactionCount({ address: deployer, blockTag: "pending" });
  const block = await client.getBlock({ blockTag: "latest" });
  const maxFeePerGas = (block.baseFeePerGas ?? 1_000_000_000n) * 3n + 1_000_000n;
  const hashes: Hex[] = [];
  // The test client's request type only lists anvil methods; eth_sendTransaction from an unlocked account is plain.
  const request = client.request as unknown as (args: { method: string; params: unknown[] }) => Promise<Hex>;
  const send = async (tx: { to?: Address; data?: Hex; value?: bigint; gas: bigint }) => {
    const hash = await request({
      method: "eth_sendTransaction",
      params: [
        {
          from: deployer,
          to: tx.to,
          data: tx.data,
          value: tx.value === undefined ? undefined : `0x${tx.value.toString(16)}`,
          gas: `0x${tx.gas.toString(16)}`,
          nonce: `0x${nonce.toString(16)}`,
          maxFeePerGas: `0x${maxFeePerGas.toString(16)}`,
          maxPriorityFeePerGas: "0xf4240",
        },
      ],
    });
    nonce += 1;
    hashes.push(hash);
  };
  const deploy = async (data: Hex): Promise<Address> => {
    const address = getContractAddress({ from: deployer, nonce: BigInt(nonce) });
    await send({ data, gas: 3_000_000n });
    return address;
  };
  // The workload's ERC-20s and Uniswap-V2-style pairs differ only in their constructor arguments.
  const deployToken = (name: string, symbol: string, decimals: number) =>
    deploy(
      encodeDeployData({
        abi: erc20Artifact.abi,
        bytecode: erc20Artifact.bytecode,
        args: [name, symbol, decimals],
      }),
    );
  const deployPair = (a: Address, b: Address) =>
    deploy(
      encodeDeployData({
        abi: uniswapV2PairArtifact.abi,
        bytecode: uniswapV2PairArtifact.bytecode,
        args: [a, b],
      }),
    );
  const erc20 = await deployToken("Chainlog Test Token", "CLT", 18);
  const erc721 = await deploy(
    encodeDeployData({
      abi: erc721Artifact.abi,
      bytecode: erc721Artifact.bytecode,
      args: ["Chainlog Test NFT", "CLNFT"],
    }),
  );
  const erc1155 = await deploy(
    encodeDeployData({ abi: erc1155Artifact.abi, bytecode: erc1155Artifact.bytecode }),
  );
  const weth = await deploy(encodeDeployData({ abi: weth9Artifact.abi, bytecode: weth9Artifact.bytecode }));
  const tokenA = await deployToken("Token A", "TKA", 18);
  const tokenB = await deployToken("Token B", "TKB", 6);
  const pair = await deployPair(tokenA, tokenB);
  const stablecoin = await deployToken("Chainlog USD", "cUSD", 6);
  const wethStablePair = await deployPair(weth, stablecoin);
  const tokenWethPair = await deployPair(tokenA, weth);
  const mint = (token: Address, to: Address, amount: bigint) =>
    send({
      to: token,
      data: encodeFunctionData({ abi: erc20Artifact.abi, functionName: "mint", args: [to, amount] }),
      gas: 100_000n,
    });
  await mint(tokenA, pair, 10n ** 26n);
  await mint(tokenB, pair, 10n ** 26n);
  const wethTransfer = (to: Address, amount: bigint) =>
    send({
      to: weth,
      data: encodeFunctionData({ abi: weth9Artifact.abi, functionName: "transfer", args: [to, amount] }),
      gas: 100_000n,
    });
  const seed = (p: Address) =>
    send({
      to: p,
      data: encodeFunctionData({ abi: uniswapV2PairArtifact.abi, functionName: "mint", args: [deployer] }),
      gas: 300_000n,
    });
  await seed(pair);
  // WETH is wrapped, not minted: 1,000 WETH against 3,000,000 cUSD (ETH at $3,000), and 100 WETH against
  // 1,000,000 TKA (TKA at 0.0001 ETH); one WETH for each sender to swap with.
  await send({
    to: weth,
    data: encodeFunctionData({ abi: weth9Artifact.abi, functionName: "deposit" }),
    value: parseEther(String(1_100 + senders.length)),
    gas: 100_000n,
  });
  await wethTransfer(wethStablePair, parseEther("1000"));
  await mint(stablecoin, wethStablePair, 3_000_000n * 10n ** 6n);
  await seed(wethStablePair);
  await wethTransfer(tokenWethPair, parseEther("100"));
  await mint(tokenA, tokenWethPair, 1_000_000n * 10n ** 18n);
  await seed(tokenWethPair);
  for (const { account } of senders) {
    await wethTransfer(account.address, parseEther("1"));
    await mint(stablecoin, account.address, 1_000_000n * 10n ** 6n);
    await send({ to: account.address, value: parseEther("100"), gas: 21_000n });
    await mint(erc20, account.address, 10n ** 30n);
    await mint(tokenA, account.address, 10n ** 26n);
    await mint(tokenB, account.address, 10n ** 26n);
    await send({
      to: erc1155,
      data: encodeFunctionData({
        abi: erc1155Artifact.abi,
        functionName: "mintBatch",
        args: [
          account.address,
          [1n, 2n, 3n, 4n, 5n],
          [10n ** 9n, 10n ** 9n, 10n ** 9n, 10n ** 9n, 10n ** 9n],
        ],
      }),
      gas: 200_000n,
    });
  }
  // Last, so every address above stays what it was before the router existed.
  const router = await deploy(swapRouterArtifact.bytecode);
  const vault = await deploy(
    encodeDeployData({
      abi: stakingVaultArtifact.abi,
      bytecode: stakingVaultArtifact.bytecode,
      args: [tokenA, 10n ** 16n],
    }),
  );
  const last = hashes[hashes.length - 1];
  if (last) {
    await client.waitForTransactionReceipt({ hash: last, pollingInterval: 100, timeout: 120_000 });
  }
  return {
    erc20,
    erc721,
    erc1155,
    weth,
    tokenA,
    tokenB,
    pair,
    stablecoin,
    wethStablePair,
    tokenWethPair,
    router,
    vault,
  };
}
