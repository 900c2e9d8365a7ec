import { ChainlogError } from "@chainlog/tx-schema";
import { type Address, type Hex, parseEventLogs, type TransactionReceipt } from "viem";
import { factoryArtifact } from "./artifacts.ts";
import { confirm, type DevnetClient, defaultAccount } from "./client.ts";
import { erc20At, erc721At, erc1155At, ethRouterAt, factoryAt, pairAt, wethAt } from "./deploy.ts";

interface From {
  account?: Address;
}

/** Each action sends one transaction from an unlocked account and resolves with its successful receipt. */
export async function mintErc20(
  client: DevnetClient,
  { token, to, amount, account }: From & { token: Address; to: Address; amount: bigint },
): Promise<TransactionReceipt> {
  const from = account ?? (await defaultAccount(client));
  return confirm(
    client,
    await client.writeContract({
      ...erc20At(token),
      functionName: "mint",
      args: [to, amount],
      account: from,
    }),
  );
}

export async function transferErc20(
  client: DevnetClient,
  { token, to, amount, account }: From & { token: Address; to: Address; amount: bigint },
): Promise<TransactionReceipt> {
  const from = account ?? (await defaultAccount(client));
  return confirm(
    client,
    await client.writeContract({
      ...erc20At(token),
      functionName: "transfer",
      args: [to, amount],
      account: from,
    }),
  );
}

export async function approveErc20(
  client: DevnetClient,
  { token, spender, amount, account }: From & { token: Address; spender: Address; amount: bigint },
): Promise<TransactionReceipt> {
  const from = account ?? (await defaultAccount(client));
  return confirm(
    client,
    await client.writeContract({
      ...erc20At(token),
      functionName: "approve",
      args: [spender, amount],
      account: from,
    }),
  );
}

export async function mintErc721(
  client: DevnetClient,
  { token, to, tokenId, account }: From & { token: Address; to: Address; tokenId: bigint },
): Promise<TransactionReceipt> {
  const from = account ?? (await defaultAccount(client));
  return confirm(
    client,
    await client.writeContract({
      ...erc721At(token),
      functionName: "mint",
      args: [to, tokenId],
      account: from,
    }),
  );
}

export async function transferErc721(
  client: DevnetClient,
  { token, from, to, tokenId }: { token: Address; from: Address; to: Address; tokenId: bigint },
): Promise<TransactionReceipt> {
  return confirm(
    client,
    await client.writeContract({
      ...erc721At(token),
      functionName: "transferFrom",
      args: [from, to, tokenId],
      account: from,
    }),
  );
}

export async function mintErc1155(
  client: DevnetClient,
  {
    token,
    to,
    ids,
    values,
    account,
  }: From & { token: Address; to: Address; ids: bigint[]; values: bigint[] },
): Promise<TransactionReceipt> {
  const from = account ?? (await defaultAccount(client));
  return confirm(
    client,
    await client.writeContract({
      ...erc1155At(token),
      functionName: "mintBatch",
      args: [to, ids, values],
      account: from,
    }),
  );
}

export async function transferErc1155(
  client: DevnetClient,
  {
    token,
    from,
    to,
    id,
    value,
    data = "0x",
  }: { token: Address; from: Address; to: Address; id: bigint; value: bigint; data?: Hex },
): Promise<TransactionReceipt> {
  return confirm(
    client,
    await client.writeContract({
      ...erc1155At(token),
      functionName: "safeTransferFrom",
      args: [from, to, id, value, data],
      account: from,
    }),
  );
}

export async function batchTransferErc1155(
  client: DevnetClient,
  {
    token,
    from,
    to,
    ids,
    values,
    data = "0x",
  }: { token: Address; from: Address; to: Address; ids: bigint[]; values: bigint[]; data?: Hex },
): Promise<TransactionReceipt> {
  return confirm(
    client,
    await client.writeContract({
      ...erc1155At(token),
      functionName: "safeBatchTransferFrom",
      args: [from, to, ids, values, data],
      account: from,
    }),
  );
}

export async function depositWeth(
  client: DevnetClient,
  { weth, amount, account }: From & { weth: Address; amount: bigint },
): Promise<TransactionReceipt> {
  const from = account ?? (await defaultAccount(client));
  return confirm(
    client,
    await client.writeContract({ ...wethAt(weth), functionName: "deposit", value: amount, account: from }),
  );
}

export async function withdrawWeth(
  client: DevnetClient,
  { weth, amount, account }: From & { weth: Address; amount: bigint },
): Promise<TransactionReceipt> {
  const from = account ?? (await defaultAccount(client));
  return confirm(
    client,
    await client.writeContract({ ...wethAt(weth), functionName: "withdraw", args: [amount], account: from }),
  );
}

/**
 * Approves the router for `amount` WETH, then has it unwrap them and pay the ETH to `to`: WETH pays the router
 * and the router pays `to` inside the call, ETH moves no receipt or log shows as ETH. Resolves with the second
 * (unwrapping) transaction's receipt.
 */
export async function unwrapWethTo(
  client: DevnetClient,
  {
    router,
    weth,
    amount,
    to,
    account,
  }: From & { router: Address; weth: Address; amount: bigint; to: Address },
): Promise<TransactionReceipt> {
  const from = account ?? (await defaultAccount(client));
  await confirm(
    client,
    await client.writeContract({
      ...wethAt(weth),
      functionName: "approve",
      args: [router, amount],
      account: from,
    }),
  );
  return confirm(
    client,
    await client.writeContract({
      ...ethRouterAt(router),
      functionName: "unwrapTo",
      args: [amount, to],
      account: from,
    }),
  );
}

/** Uniswap V2 output for an input, after the 0.3% fee (UniswapV2Library.getAmountOut). */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  const withFee = amountIn * 997n;
  return (withFee * reserveOut) / (reserveIn * 1000n + withFee);
}

/**
 * Swaps an exact input of `tokenIn` (minted to the account first when `mint` is set) through the pair, as the
 * router does: transfer the input to the pair, then call swap with the quoted output. Resolves with the swap receipt.
 */
export async function swap(
  client: DevnetClient,
  {
    pair,
    tokenIn,
    amountIn,
    to,
    account,
  }: From & { pair: Address; tokenIn: Address; amountIn: bigint; to?: Address },
): Promise<{ receipt: TransactionReceipt; amountOut: bigint }> {
  const from = account ?? (await defaultAccount(client));
  const [token0, [reserve0, reserve1]] = await Promise.all([
    client.readContract({ ...pairAt(pair), functionName: "token0" }),
    client.readContract({ ...pairAt(pair), functionName: "getReserves" }),
  ]);
  const zeroForOne = token0.toLowerCase() === tokenIn.toLowerCase();
  const amountOut = zeroForOne
    ? getAmountOut(amountIn, reserve0, reserve1)
    : getAmountOut(amountIn, reserve1, reserve0);
  await transferErc20(client, { token: tokenIn, to: pair, amount: amountIn, account: from });
  const receipt = await confirm(
    client,
    await client.writeContract({
      ...pairAt(pair),
      functionName: "swap",
      args: zeroForOne ? [0n, amountOut, to ?? from] : [amountOut, 0n, to ?? from],
      account: from,
    }),
  );
  return { receipt, amountOut };
}

/**
 * Calls the factory's deploy(salt): two contracts created inside the call (CREATE and CREATE2), which receipts do
 * not list. Resolves with the receipt and the children's addresses from the Deployed events.
 */
export async function factoryDeploy(
  client: DevnetClient,
  { factory, salt, account }: From & { factory: Address; salt: Hex },
): Promise<{ receipt: TransactionReceipt; created: Address; created2: Address }> {
  const from = account ?? (await defaultAccount(client));
  const receipt = await confirm(
    client,
    await client.writeContract({
      ...factoryAt(factory),
      functionName: "deploy",
      args: [salt],
      account: from,
    }),
  );
  const events = parseEventLogs({ abi: factoryArtifact.abi, logs: receipt.logs, eventName: "Deployed" });
  const created = events.find((e) => !e.args.create2)?.args.child;
  const created2 = events.find((e) => e.args.create2)?.args.child;
  if (!created || !created2)
    throw new ChainlogError(`factory call ${receipt.transactionHash} deployed nothing`);
  return { receipt, created, created2 };
}
