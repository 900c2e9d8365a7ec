import type { StakePositionsResponse, VaultEventPage } from "@chainlog/tx-schema";
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { type Address, erc20Abi, formatUnits, type Hex, isAddress, parseAbi, parseUnits } from "viem";
import { ApiError } from "../api/client.ts";
import { api } from "../api/routes.ts";
import { type SwapQuote, type WalletRecord, walletApi } from "../api/wallet.ts";
import { ErrorView, HashLink, Loading } from "../components/common.tsx";
import { columnsOf, DataTable, hashColumn } from "../components/data-table.tsx";
import { FormProblem, FormSubmit, TextField, useFormSubmit } from "../components/forms.tsx";
import { SignInNeeded } from "../components/sign-in-needed.tsx";
import { TransactionTable, TransferTable } from "../components/tables.tsx";
import { formatTokenAmount, tokenIn, tokenLabel, trimDecimal } from "../format/tokens.ts";
import { useResource } from "../hooks/use-resource.ts";
import { useSession } from "../session.tsx";
import { revertDataOf, revertReasonOf } from "../wallet/revert-reason.ts";
import {
  createWallet,
  injectedProvider,
  lockWallet,
  publicClient,
  signingClient,
  unlockWallet,
  useUnlockedAddress,
} from "../wallet/signer.ts";

interface Asset {
  /** "ETH", or the token's address. */
  id: string;
  symbol: string;
  decimals: number;
  balance: bigint;
  /** An ERC-721 token the wallet holds by the index: sent whole, by transferFrom. */
  nft?: { token: Address; tokenId: bigint };
}

const erc721TransferAbi = parseAbi(["function transferFrom(address from, address to, uint256 tokenId)"]);

/**
 * ETH and every token the wallet ever received (from the index), with balances read from the node now, and the
 * ERC-721 tokens the index says it holds.
 */
async function loadAssets(address: Address, signal: AbortSignal): Promise<Asset[]> {
  const client = await publicClient();
  const [wei, transfers, indexed] = await Promise.all([
    client.getBalance({ address }),
    api.addressTokenTransfers(address, 100, null, signal),
    api.balances(address, false, signal),
  ]);
  const tokens = [...new Set(transfers.items.map((t) => t.token.toLowerCase()))];
  const assets: Asset[] = [{ id: "ETH", symbol: "ETH", decimals: 18, balance: wei }];
  for (const token of tokens) {
    const meta = transfers.tokens?.[token];
    const [balance, decimals, symbol] = await Promise.all([
      client.readContract({
        address: token as Address,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [address],
      }),
      meta?.decimals ??
        client.readContract({ address: token as Address, abi: erc20Abi, functionName: "decimals" }),
      meta?.symbol ??
        client.readContract({ address: token as Address, abi: erc20Abi, functionName: "symbol" }),
    ]).catch(() => [null, 0, ""] as const);
    // ERC-721s share the Transfer event; they have no balance in units and are not sent from here.
    if (balance === null || transfers.items.some((t) => t.token.toLowerCase() === token && t.tokenId != null))
      continue;
    assets.push({
      id: token,
      symbol: String(symbol) || token.slice(0, 10),
      decimals: Number(decimals),
      balance,
    });
  }
  for (const n of indexed.nfts)
    if (n.standard === "erc721" && BigInt(n.balance) > 0n)
      assets.push({
        id: `${n.token}:${n.tokenId}`,
        symbol: `${n.symbol ?? n.token.slice(0, 10)} #${n.tokenId}`,
        decimals: 0,
        balance: 1n,
        nft: { token: n.token as Address, tokenId: BigInt(n.tokenId) },
      });
  return assets;
}

/** The wallet is encrypted with the account's password: browsers offer the saved one. */
const passwordInput = { type: "password", autoComplete: "current-password" } as const;

function CreateWallet({ onCreated }: { onCreated(): void }) {
  const id = useId();
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const { problem, busy, submit } = useFormSubmit(async () => {
    if (password.length < 8) return "Use your account password (at least 8 characters).";
    if (password !== again) return "The two passwords differ.";
    await createWallet(password);
    onCreated();
    return undefined;
  });
  return (
    <form className="stack-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Create your wallet</h2>
      <p className="muted">
        The key is made in this page and encrypted here with your password; Chainlog stores only the encrypted
        keystore and can never move your funds.
      </p>
      <TextField label="Password" {...passwordInput} value={password} onValue={setPassword} />
      <TextField label="Password again" {...passwordInput} value={again} onValue={setAgain} />
      <FormSubmit problem={problem} busy={busy} label="Create wallet" busyLabel="Encrypting…" />
    </form>
  );
}

function Unlock({ wallet }: { wallet: WalletRecord }) {
  const id = useId();
  const unlocked = useUnlockedAddress();
  const [password, setPassword] = useState("");
  const { problem, busy, submit } = useFormSubmit(async () => {
    await unlockWallet(wallet.keystore, password);
    setPassword("");
    return undefined;
  });
  if (unlocked === wallet.address)
    return (
      <p>
        <span className="badge ok" data-testid="wallet-state">
          unlocked
        </span>{" "}
        <button type="button" className="secondary" onClick={lockWallet}>
          Lock
        </button>
      </p>
    );
  return (
    <form className="stack-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        Unlock to sign{" "}
        <span className="badge" data-testid="wallet-state">
          locked
        </span>
      </h2>
      <TextField label="Password" {...passwordInput} value={password} onValue={setPassword} />
      <FormSubmit problem={problem} busy={busy} label="Unlock" busyLabel="Decrypting…" />
    </form>
  );
}

function Faucet({ onFunded }: { onFunded(): void }) {
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  const [busy, setBusy] = useState(false);
  const fund = async () => {
    setBusy(true);
    try {
      const { grants } = await walletApi.faucet();
      const client = await publicClient();
      await Promise.all(
        grants.map((g) => client.waitForTransactionReceipt({ hash: g.transactionHash as Hex })),
      );
      setMessage({ text: `Funded: ${grants.length} transfer(s) included.` });
      onFunded();
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <p>
      <button type="button" onClick={() => void fund()} disabled={busy}>
        {busy ? "Funding…" : "Get test funds (devnet)"}
      </button>{" "}
      {message && (
        <span className={message.error ? "notice error" : "notice"} role="status" data-testid="faucet-result">
          {message.text}
        </span>
      )}
    </p>
  );
}

type SendStatus =
  | { state: "signing" }
  | { state: "pending"; hash: Hex }
  | { state: "included"; hash: Hex; block: bigint }
  /** In the index, with `confirmations` blocks (its own included) of the `needed` that make it final. */
  | { state: "indexed"; hash: Hex; block: bigint; confirmations: number; needed: number }
  | { state: "final"; hash: Hex; block: bigint; confirmations: number }
  | { state: "reverted"; hash: Hex; block: bigint; reason: string }
  | { state: "failed"; message: string };

let finality: Promise<number> | undefined;
const confirmationsNeeded = () => {
  finality ??= walletApi.finality().then((f) => f.confirmations);
  finality.catch(() => {
    finality = undefined;
  });
  return finality;
};

/**
 * Why a mined transaction reverted: the same call replayed with eth_call on the state its block started from (a
 * node keeps no reason in the receipt).
 */
async function replayRevert(hash: Hex, block: bigint): Promise<string> {
  const client = await publicClient();
  const tx = await client.getTransaction({ hash });
  try {
    await client.call({
      account: tx.from,
      to: tx.to,
      data: tx.input,
      value: tx.value,
      gas: tx.gas,
      blockNumber: block - 1n,
    });
    return "it fails only after the transactions before it in its block";
  } catch (error) {
    const data = revertDataOf(error);
    return data ? revertReasonOf(data) : ((error as { shortMessage?: string }).shortMessage ?? "reverted");
  }
}

/**
 * Follows a sent transaction: pending until mined, included until the index has it, then indexed until enough
 * indexed blocks are on top of it to call it final; or reverted, with the reason replayed from the node.
 */
async function follow(hash: Hex, update: (s: SendStatus) => boolean): Promise<void> {
  // update answers false once another transaction took this status line over: then this one stops following
  const set = (next: SendStatus) => {
    if (!update(next)) throw new FollowSuperseded();
  };
  set({ state: "pending", hash });
  const client = await publicClient();
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 500 });
  const block = receipt.blockNumber;
  if (receipt.status !== "success")
    return set({ state: "reverted", hash, block, reason: await replayRevert(hash, block) });
  set({ state: "included", hash, block });
  let indexed = false;
  for (let i = 0; i < 240 && !indexed; i++) {
    indexed = (await api.transaction(hash).catch(() => null)) !== null;
    if (!indexed) await new Promise((r) => setTimeout(r, 500));
  }
  if (!indexed) return;
  const needed = await confirmationsNeeded();
  set({ state: "indexed", hash, block, confirmations: 1, needed });
  // Resolved once indexed (what the page acts on); finality is followed on, until another transaction takes over.
  void (async () => {
    for (let i = 0; i < 3600; i++) {
      // The index's own head counts: final means the index holds the blocks on top, not just the node.
      const head = await api.latestBlock().catch(() => null);
      const confirmations = head ? Math.max(1, head.number - Number(block) + 1) : 1;
      if (confirmations >= needed) return set({ state: "final", hash, block, confirmations });
      set({ state: "indexed", hash, block, confirmations, needed });
      await new Promise((r) => setTimeout(r, 1000));
    }
  })().catch(() => undefined);
}

class FollowSuperseded extends Error {
  override name = "FollowSuperseded";
}

/**
 * A status line and the follower that writes it: following a new transaction stops following the previous one,
 * so an older transaction's later steps never overwrite the newer one's status.
 */
function useFollowedStatus() {
  const [status, setStatus] = useState<SendStatus>();
  const current = useRef(0);
  useEffect(
    () => () => {
      current.current += 1;
    },
    [],
  );
  const show = useCallback((next: SendStatus) => {
    current.current += 1;
    setStatus(next);
  }, []);
  const followTx = useCallback(async (hash: Hex) => {
    const run = ++current.current;
    try {
      await follow(hash, (next) => {
        if (run !== current.current) return false;
        setStatus(next);
        return true;
      });
    } catch (error) {
      if (!(error instanceof FollowSuperseded)) throw error;
    }
  }, []);
  return [status, show, followTx] as const;
}

/** One line for a transaction the page sent: every step, the reason of a revert, the link to it. */
function TxStatus({ status, testId, done }: { status: SendStatus; testId: string; done: string }) {
  return (
    <p
      className={status.state === "failed" || status.state === "reverted" ? "notice error" : "notice"}
      role="status"
      data-testid={testId}
      data-state={status.state}
    >
      {status.state === "signing" && "Signing…"}
      {status.state === "failed" && status.message}
      {"hash" in status && (
        <>
          {status.state === "pending" && "Pending: "}
          {status.state === "included" && `Included in block ${status.block}, waiting for the index: `}
          {status.state === "indexed" &&
            `${done} in block ${status.block}, indexed, ${status.confirmations} of ${status.needed} confirmations: `}
          {status.state === "final" &&
            `${done} in block ${status.block}, final (${status.confirmations} confirmations): `}
          {status.state === "reverted" && `Reverted in block ${status.block}: ${status.reason}. `}
          <HashLink kind="tx" value={status.hash} />
        </>
      )}
    </p>
  );
}

function Send({ assets, injected }: { assets: Asset[]; injected: boolean }) {
  const id = useId();
  const unlocked = useUnlockedAddress();
  const [to, setTo] = useState("");
  const [assetId, setAssetId] = useState("ETH");
  const [amount, setAmount] = useState("");
  const [status, setStatus, followTx] = useFollowedStatus();
  const [useInjected, setUseInjected] = useState(false);
  const asset = assets.find((a) => a.id === assetId) ?? assets[0];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!asset) return;
    try {
      setStatus({ state: "signing" });
      const target = to.trim();
      const byEmail = target.includes("@");
      const recipient = byEmail
        ? ((await walletApi.lookup(target)).address as Address | null)
        : isAddress(target)
          ? (target as Address)
          : null;
      if (!recipient)
        throw new Error(
          byEmail
            ? "No Chainlog user with a wallet has this e-mail."
            : "Enter a 0x address or the e-mail of a Chainlog user.",
        );
      // An NFT goes whole: there is no amount to ask for.
      const value = asset.nft ? 1n : parseUnits(amount.trim(), asset.decimals);
      if (value <= 0n) throw new Error("Enter an amount above zero.");
      // The browser wallet's own balance is its business: the extension refuses what it cannot pay.
      if (!useInjected && value > asset.balance)
        throw new Error(`You hold ${formatUnits(asset.balance, asset.decimals)} ${asset.symbol}.`);
      const client = await signingClient({ injected: useInjected });
      const hash = asset.nft
        ? await client.writeContract({
            address: asset.nft.token,
            abi: erc721TransferAbi,
            functionName: "transferFrom",
            args: [client.account.address, recipient, asset.nft.tokenId],
          })
        : asset.id === "ETH"
          ? await client.sendTransaction({ to: recipient, value })
          : await client.writeContract({
              address: asset.id as Address,
              abi: erc20Abi,
              functionName: "transfer",
              args: [recipient, value],
            });
      await followTx(hash);
    } catch (error) {
      const e = error as Error & { shortMessage?: string };
      setStatus({ state: "failed", message: e.shortMessage ?? e.message });
    }
  };
  const canSign = unlocked !== null || useInjected;
  return (
    <form className="stack-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Send</h2>
      <TextField label="To (address or a user's e-mail)" value={to} onValue={setTo} spellCheck={false} />
      <label htmlFor={`${id}-asset`}>Asset</label>
      <select id={`${id}-asset`} value={assetId} onChange={(e) => setAssetId(e.target.value)}>
        {assets.map((a) => (
          <option key={a.id} value={a.id}>
            {a.symbol}
          </option>
        ))}
      </select>
      {!asset?.nft && <TextField label="Amount" inputMode="decimal" value={amount} onValue={setAmount} />}
      {injected && (
        <label>
          <input type="checkbox" checked={useInjected} onChange={(e) => setUseInjected(e.target.checked)} />{" "}
          Sign with my browser wallet
        </label>
      )}
      <button type="submit" disabled={!canSign || status?.state === "signing" || status?.state === "pending"}>
        {canSign ? "Sign and send" : "Unlock the wallet to send"}
      </button>
      {status && <TxStatus status={status} testId="send-status" done="Sent" />}
    </form>
  );
}

const routerAbi = parseAbi([
  "function swapExactTokensForTokens(address pair, address tokenIn, uint256 amountIn, uint256 amountOutMin, address to, uint256 deadline) returns (uint256)",
]);

interface SwapToken {
  address: string;
  symbol: string;
  decimals: number;
}

/** The tokens of the pairs the API quotes, with their symbols and decimals read from the chain. */
async function loadSwapTokens(signal: AbortSignal): Promise<{ router: string | null; tokens: SwapToken[] }> {
  const { router, items } = await walletApi.swapPairs(signal);
  const client = await publicClient();
  const addresses = [...new Set(items.flatMap((p) => [p.token0, p.token1]))];
  const tokens = await Promise.all(
    addresses.map(async (address) => {
      const [symbol, decimals] = await Promise.all([
        client.readContract({ address: address as Address, abi: erc20Abi, functionName: "symbol" }),
        client.readContract({ address: address as Address, abi: erc20Abi, functionName: "decimals" }),
      ]);
      return { address, symbol, decimals };
    }),
  );
  return { router, tokens };
}

/** Why a swap failed, in words: the router's reason when the price moved past the user's limit. */
function swapFailure(error: Error & { shortMessage?: string; details?: string }): string {
  const text = `${error.shortMessage ?? ""} ${error.details ?? ""} ${error.message}`;
  if (text.includes("INSUFFICIENT_OUTPUT_AMOUNT"))
    return "Reverted: the price moved beyond your slippage limit (UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT). Get a new quote.";
  if (text.includes("EXPIRED")) return "Reverted: the deadline passed (UniswapV2Router: EXPIRED).";
  return error.shortMessage ?? error.message;
}

function Swap({ address }: { address: string }) {
  const id = useId();
  const unlocked = useUnlockedAddress();
  const setup = useResource(loadSwapTokens, "swap-tokens");
  const [tokenIn, setTokenIn] = useState("");
  const [tokenOut, setTokenOut] = useState("");
  const [amount, setAmount] = useState("");
  const [slippage, setSlippage] = useState("0.5");
  const [deadlineMin, setDeadlineMin] = useState("10");
  const [quote, setQuote] = useState<SwapQuote | { error: string }>();
  const [review, setReview] = useState<SwapQuote>();
  const [status, setStatus, followTx] = useFollowedStatus();
  const [found, setFound] = useState<string>();
  const [block, setBlock] = useState<bigint>();
  const tokens = setup.data?.tokens ?? [];
  const inToken = tokens.find((t) => t.address === tokenIn) ?? tokens[0];
  const outToken =
    tokens.find((t) => t.address === tokenOut && t.address !== inToken?.address) ??
    tokens.find((t) => t.address !== inToken?.address);
  const slippageBps = Math.round(Number(slippage) * 100);

  // The quote follows the chain: a new block, a new quote (the reserves may have moved).
  useEffect(() => {
    let stop = false;
    const timer = window.setInterval(async () => {
      const n = await (await publicClient()).getBlockNumber().catch(() => undefined);
      if (!stop && n !== undefined) setBlock(n);
    }, 1000);
    return () => {
      stop = true;
      window.clearInterval(timer);
    };
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: block is the trigger to ask again
  useEffect(() => {
    if (!inToken || !outToken || !amount.trim()) return setQuote(undefined);
    let amountIn: bigint;
    try {
      amountIn = parseUnits(amount.trim(), inToken.decimals);
    } catch {
      return setQuote({ error: "Enter an amount." });
    }
    if (amountIn <= 0n || !(slippageBps >= 0 && slippageBps <= 5000))
      return setQuote({ error: "Enter an amount above zero and a slippage from 0 to 50%." });
    const controller = new AbortController();
    walletApi
      .quote(
        { tokenIn: inToken.address, tokenOut: outToken.address, amountIn: amountIn.toString(), slippageBps },
        controller.signal,
      )
      .then(setQuote, (e: Error) => {
        if (e.name !== "AbortError") setQuote({ error: e.message });
      });
    return () => controller.abort();
  }, [inToken, outToken, amount, slippageBps, block]);

  const confirm = async () => {
    if (!review || !inToken || !review.router) return;
    setStatus({ state: "signing" });
    setFound(undefined);
    try {
      const client = await signingClient();
      const reader = await publicClient();
      const me = address as Address;
      const amountIn = BigInt(review.amountIn);
      const allowance = await reader.readContract({
        address: inToken.address as Address,
        abi: erc20Abi,
        functionName: "allowance",
        args: [me, review.router as Address],
      });
      if (allowance < amountIn) {
        const approval = await client.writeContract({
          address: inToken.address as Address,
          abi: erc20Abi,
          functionName: "approve",
          args: [review.router as Address, amountIn],
        });
        await reader.waitForTransactionReceipt({ hash: approval, pollingInterval: 500 });
      }
      const deadline = BigInt(Math.floor(Date.now() / 1000) + Math.max(1, Number(deadlineMin) || 10) * 60);
      const hash = await client.writeContract({
        address: review.router as Address,
        abi: routerAbi,
        functionName: "swapExactTokensForTokens",
        args: [
          review.pair as Address,
          inToken.address as Address,
          amountIn,
          BigInt(review.minimumOut),
          me,
          deadline,
        ],
      });
      setReview(undefined);
      await followTx(hash);
      // Found again by its reference, through the index's swap routes.
      const detail = await api.swap(hash);
      const s = detail.items[0];
      if (s) setFound(`${hash.slice(0, 10)}: ${s.amount0} / ${s.amount1} on ${shortHexOf(s.pool)}`);
    } catch (error) {
      setReview(undefined);
      setStatus({ state: "failed", message: swapFailure(error as Error) });
    }
  };

  if (setup.error) return <ErrorView error={setup.error} what="swap pairs" retry={setup.reload} />;
  if (!setup.data) return <Loading what="swap pairs" />;
  if (tokens.length < 2) return null;
  const q = quote && "amountOut" in quote ? quote : undefined;
  return (
    <section className="stack-form" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Swap</h2>
      <label htmlFor={`${id}-in`}>Pay with</label>
      <select id={`${id}-in`} value={inToken?.address} onChange={(e) => setTokenIn(e.target.value)}>
        {tokens.map((t) => (
          <option key={t.address} value={t.address}>
            {t.symbol}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-out`}>Receive</label>
      <select id={`${id}-out`} value={outToken?.address} onChange={(e) => setTokenOut(e.target.value)}>
        {tokens
          .filter((t) => t.address !== inToken?.address)
          .map((t) => (
            <option key={t.address} value={t.address}>
              {t.symbol}
            </option>
          ))}
      </select>
      <TextField label="Amount to pay" inputMode="decimal" value={amount} onValue={setAmount} />
      <TextField label="Slippage limit (%)" inputMode="decimal" value={slippage} onValue={setSlippage} />
      <TextField
        label="Deadline (minutes)"
        inputMode="numeric"
        value={deadlineMin}
        onValue={setDeadlineMin}
      />
      <FormProblem problem={quote && "error" in quote ? quote.error : undefined} />
      {q && outToken && (
        <p
          className="notice"
          data-testid="swap-quote"
          data-amount-out={q.amountOut}
          data-minimum-out={q.minimumOut}
          data-block={q.blockNumber}
        >
          You receive ≈ {trimDecimal(formatUnits(BigInt(q.amountOut), outToken.decimals))} {outToken.symbol}{" "}
          (at least {trimDecimal(formatUnits(BigInt(q.minimumOut), outToken.decimals))}), price impact{" "}
          {(q.priceImpact * 100).toFixed(2)}%, reserves at block {q.blockNumber}
        </p>
      )}
      {review ? (
        <p>
          <span data-testid="swap-review">
            Swap {trimDecimal(formatUnits(BigInt(review.amountIn), inToken?.decimals ?? 18))}{" "}
            {inToken?.symbol} for at least{" "}
            {trimDecimal(formatUnits(BigInt(review.minimumOut), outToken?.decimals ?? 18))} {outToken?.symbol}
          </span>{" "}
          <button type="button" onClick={() => void confirm()}>
            Confirm swap
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setReview(undefined)}>
            Cancel
          </button>
        </p>
      ) : (
        <button
          type="button"
          disabled={
            !q?.router || unlocked === null || status?.state === "signing" || status?.state === "pending"
          }
          onClick={() => q && setReview(q)}
        >
          {unlocked === null ? "Unlock the wallet to swap" : "Review swap"}
        </button>
      )}
      {status && <TxStatus status={status} testId="swap-status" done="Swapped" />}
      {found && (
        <p className="muted" data-testid="swap-found">
          Found by reference {found}
        </p>
      )}
    </section>
  );
}

const vaultAbi = parseAbi([
  "function balanceOf(address) view returns (uint256)",
  "function convertToAssets(uint256 shares) view returns (uint256)",
  "function deposit(uint256 assets, address receiver) returns (uint256)",
  "function redeem(uint256 shares, address receiver, address owner) returns (uint256)",
]);

interface VaultPosition {
  vault: string;
  asset: SwapToken;
  shares: bigint;
  /** What the shares redeem for now, rewards included. */
  value: bigint;
}

async function loadPositions(owner: Address, signal: AbortSignal): Promise<VaultPosition[]> {
  const { items } = await walletApi.stakeVaults(signal);
  const client = await publicClient();
  return Promise.all(
    items.map(async ({ vault, asset }) => {
      const [symbol, decimals, shares] = await Promise.all([
        client.readContract({ address: asset as Address, abi: erc20Abi, functionName: "symbol" }),
        client.readContract({ address: asset as Address, abi: erc20Abi, functionName: "decimals" }),
        client.readContract({
          address: vault as Address,
          abi: vaultAbi,
          functionName: "balanceOf",
          args: [owner],
        }),
      ]);
      const value =
        shares === 0n
          ? 0n
          : await client.readContract({
              address: vault as Address,
              abi: vaultAbi,
              functionName: "convertToAssets",
              args: [shares],
            });
      return { vault, asset: { address: asset, symbol, decimals }, shares, value };
    }),
  );
}

/** Stake into an ERC-4626 vault (approve, deposit) and unstake everything (redeem), signed in the page. */
function Stake({ address }: { address: string }) {
  const id = useId();
  const unlocked = useUnlockedAddress();
  const positions = useResource((signal) => loadPositions(address as Address, signal), `stake:${address}`, {
    pollMs: 2000,
  });
  const [amount, setAmount] = useState("");
  const [status, setStatus, followTx] = useFollowedStatus();
  if (positions.error)
    return <ErrorView error={positions.error} what="staking vaults" retry={positions.reload} />;
  const position = positions.data?.[0];
  if (!position) return null;
  const run = async (action: "stake" | "unstake") => {
    setStatus({ state: "signing" });
    try {
      const client = await signingClient();
      const reader = await publicClient();
      const me = address as Address;
      const vault = position.vault as Address;
      let hash: Hex;
      if (action === "stake") {
        const assets = parseUnits(amount.trim(), position.asset.decimals);
        if (assets <= 0n) throw new Error("Enter an amount above zero.");
        const approval = await client.writeContract({
          address: position.asset.address as Address,
          abi: erc20Abi,
          functionName: "approve",
          args: [vault, assets],
        });
        await reader.waitForTransactionReceipt({ hash: approval, pollingInterval: 500 });
        hash = await client.writeContract({
          address: vault,
          abi: vaultAbi,
          functionName: "deposit",
          args: [assets, me],
        });
      } else {
        hash = await client.writeContract({
          address: vault,
          abi: vaultAbi,
          functionName: "redeem",
          args: [position.shares, me, me],
        });
      }
      await followTx(hash);
      positions.reload();
    } catch (error) {
      const e = error as Error & { shortMessage?: string };
      setStatus({ state: "failed", message: e.shortMessage ?? e.message });
    }
  };
  const { asset } = position;
  return (
    <section className="stack-form" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Stake {asset.symbol}</h2>
      <p
        data-testid="stake-position"
        data-shares={position.shares.toString()}
        data-value={position.value.toString()}
      >
        Staked: {trimDecimal(formatUnits(position.value, asset.decimals))} {asset.symbol} (rewards included,
        from {trimDecimal(formatUnits(position.shares, 18))} shares)
      </p>
      <TextField label="Amount to stake" inputMode="decimal" value={amount} onValue={setAmount} />
      <p>
        <button type="button" disabled={unlocked === null} onClick={() => void run("stake")}>
          Stake
        </button>{" "}
        <button
          type="button"
          className="secondary"
          disabled={unlocked === null || position.shares === 0n}
          onClick={() => void run("unstake")}
        >
          Unstake all
        </button>
      </p>
      {status && <TxStatus status={status} testId="stake-status" done="Done" />}
    </section>
  );
}

const shortHexOf = (hex: string) => `${hex.slice(0, 8)}…${hex.slice(-6)}`;

/** The portfolio's staked part, from the index: every vault the address ever staked in, open positions first. */
function StakedPositions({ address }: { address: string }) {
  const positions = useResource((signal) => walletApi.stakePositions(address, signal), `staked:${address}`, {
    pollMs: 3000,
  });
  const data = positions.data;
  const assetAmount = (asset: string, raw: string) => {
    const meta = tokenIn(data?.tokens, asset);
    return formatTokenAmount(raw, meta?.decimals, tokenLabel(asset, meta), 6);
  };
  return (
    <section aria-labelledby="staked-h" data-testid="staked">
      <h2 id="staked-h">Staked (from the index)</h2>
      {positions.error ? (
        <ErrorView error={positions.error} what="staked positions" retry={positions.reload} />
      ) : !data ? (
        <Loading what="staked positions" />
      ) : data.items.length === 0 ? (
        <p>Nothing staked yet.</p>
      ) : (
        <DataTable
          rows={data.items}
          rowKey={(p) => p.vault}
          rowAttributes={(p) => ({
            "data-testid": `staked-${p.vault}`,
            "data-shares": p.shares,
            "data-value": p.value,
            "data-rewards": p.rewards,
            "data-events": p.events,
          })}
          caption={`Valued by each vault at block ${data.blockNumber}`}
          captionShown
          columns={columnsOf<StakePositionsResponse["items"][number]>(
            {
              header: "Vault",
              cell: (p) => (
                <>
                  <HashLink kind="token" value={p.vault} /> {tokenIn(data.tokens, p.vault)?.symbol ?? ""}
                </>
              ),
            },
            { header: "Value now", cell: (p) => assetAmount(p.asset, p.value) },
            {
              header: "Shares",
              cell: (p) => {
                const vault = tokenIn(data.tokens, p.vault);
                return formatTokenAmount(p.shares, vault?.decimals, vault?.symbol, 6);
              },
            },
            { header: "Staked", cell: (p) => assetAmount(p.asset, p.deposited) },
            { header: "Unstaked", cell: (p) => assetAmount(p.asset, p.withdrawn) },
            {
              header: "Rewards",
              cell: (p) =>
                p.rewards.startsWith("-")
                  ? `−${assetAmount(p.asset, p.rewards.slice(1))}`
                  : assetAmount(p.asset, p.rewards),
            },
          )}
        />
      )}
    </section>
  );
}

type VaultEvent = VaultEventPage["items"][number];

/** A vault event as the address sees it: its own stake or unstake, or one made for or by someone else. */
function stakeAction(e: VaultEvent, me: string): string {
  if (e.kind === "deposit") return e.owner === me ? "Staked" : "Staked for someone else";
  return e.owner === me ? "Unstaked" : "Received an unstake";
}

/** Stakes and unstakes of the address, as the index decoded them from the vaults' events. */
function StakeActivity({ address }: { address: string }) {
  const events = useResource((signal) => walletApi.stakeEvents(address, signal), `stake-events:${address}`, {
    pollMs: 3000,
  });
  if (events.error) return <ErrorView error={events.error} what="staking activity" retry={events.reload} />;
  if (!events.data) return <Loading what="staking activity" />;
  const me = address.toLowerCase();
  return (
    <DataTable
      rows={events.data.items}
      testId="stake-activity"
      rowKey={(e) => `${e.blockNumber}:${e.logIndex}`}
      rowAttributes={(e) => ({ "data-kind": e.kind, "data-tx": e.transactionHash, "data-assets": e.assets })}
      caption="Your stakes and unstakes"
      captionShown
      columns={columnsOf<VaultEvent>(
        hashColumn("Transaction", "tx", (e) => e.transactionHash),
        { header: "Block", cell: (e) => e.blockNumber },
        { header: "Action", cell: (e) => stakeAction(e, me) },
        {
          header: "Shares",
          cell: (e) => {
            const vault = tokenIn(events.data?.tokens, e.vault);
            return formatTokenAmount(e.shares, vault?.decimals, vault?.symbol, 6);
          },
        },
      )}
    />
  );
}

function Activity({ address }: { address: string }) {
  const txs = useResource((signal) => api.addressTransactions(address, 20, null, signal), `txs:${address}`, {
    pollMs: 3000,
  });
  const transfers = useResource(
    (signal) => api.addressTokenTransfers(address, 20, null, signal),
    `transfers:${address}`,
    { pollMs: 3000 },
  );
  return (
    <section aria-labelledby="activity-h" data-testid="activity">
      <h2 id="activity-h">Activity (from the index)</h2>
      {txs.data ? (
        <TransactionTable transactions={txs.data.items} caption="Your transactions" />
      ) : txs.error ? (
        <ErrorView error={txs.error} what="transactions" retry={txs.reload} />
      ) : (
        <Loading what="transactions" />
      )}
      <h3>Token transfers</h3>
      {transfers.data ? (
        <TransferTable
          transfers={transfers.data.items}
          tokens={transfers.data.tokens}
          caption="Your token transfers"
        />
      ) : (
        <Loading what="token transfers" />
      )}
      <h3>Staking</h3>
      <StakeActivity address={address} />
    </section>
  );
}

function WalletView({ wallet }: { wallet: WalletRecord }) {
  const assets = useResource(
    (signal) => loadAssets(wallet.address as Address, signal),
    `assets:${wallet.address}`,
    { pollMs: 3000 },
  );
  return (
    <>
      <p>
        Address: <HashLink kind="address" value={wallet.address} full />{" "}
        <span data-testid="wallet-address" hidden>
          {wallet.address}
        </span>
      </p>
      <Unlock wallet={wallet} />
      <Faucet onFunded={assets.reload} />
      <section aria-labelledby="balances-h">
        <h2 id="balances-h">Balances</h2>
        {assets.data ? (
          <ul data-testid="balances">
            {assets.data.map((a) =>
              a.nft ? (
                <li
                  key={a.id}
                  data-testid="balance-nft"
                  data-token={a.nft.token}
                  data-token-id={a.nft.tokenId.toString()}
                >
                  {a.symbol} (NFT)
                </li>
              ) : (
                <li key={a.id} data-testid={`balance-${a.symbol}`} data-raw={a.balance.toString()}>
                  {trimDecimal(formatUnits(a.balance, a.decimals))} {a.symbol}
                </li>
              ),
            )}
          </ul>
        ) : assets.error ? (
          <ErrorView error={assets.error} what="balances" retry={assets.reload} />
        ) : (
          <Loading what="balances" />
        )}
      </section>
      {assets.data && <Send assets={assets.data} injected={injectedProvider() !== null} />}
      <Swap address={wallet.address} />
      <Stake address={wallet.address} />
      <StakedPositions address={wallet.address} />
      <Activity address={wallet.address} />
    </>
  );
}

/** The signed-in user's wallet: create or unlock it, get devnet funds, send, and see activity from the index. */
export default function WalletPage() {
  const { user } = useSession();
  const wallet = useResource(
    (signal) =>
      walletApi
        .get(signal)
        .catch((e) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
    `wallet:${user?.id ?? ""}`,
  );
  if (user === null) return <SignInNeeded what="a wallet" />;
  return (
    <>
      <h1>Wallet</h1>
      {wallet.data === null ? (
        <CreateWallet onCreated={wallet.reload} />
      ) : wallet.data ? (
        <WalletView wallet={wallet.data} />
      ) : wallet.error ? (
        <ErrorView error={wallet.error} what="wallet" retry={wallet.reload} />
      ) : (
        <Loading what="wallet" />
      )}
    </>
  );
}
