import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Anvil,
  connectDevnet,
  deployWalletMarket,
  erc20At,
  erc721At,
  getAmountOut,
  mintErc20,
  pairAt,
  stakingVaultAt,
  startAnvil,
  swap,
} from "@chainlog/devnet";
import type { Browser, Locator, Page } from "playwright-core";
import { getAddress, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptKeystore, type V3Keystore } from "../app/wallet/keystore.ts";
import { CHROMIUM_PATH, chromiumAvailable, type HeadlessChromium } from "./browser.ts";
import type { Stack } from "./stack.ts";
import { signIn, signUp as signUpInPage, startBrowserSystem } from "./steps.ts";

const haveChromium = chromiumAvailable();
if (!haveChromium)
  console.warn(`wallet browser tests skipped: no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);

const byNumber = (x: string, y: string) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0);

const PASSWORD_A = "alice's wallet passphrase 7";
const PASSWORD_B = "bob's wallet passphrase 9";

interface Seen {
  url: string;
  body: string;
}

/** One user in their own browser context; every request the page makes is kept for the security checks. */
async function openUser(browser: Browser, requests: Seen[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.on("request", (r) => requests.push({ url: r.url(), body: r.postData() ?? "" }));
  page.on("pageerror", (e) => console.warn("page error:", e.message));
  return page;
}

async function signUp(page: Page, webUrl: string, email: string, password: string): Promise<string> {
  await signUpInPage(page, webUrl, email, password);
  return (await page.getByTestId("wallet-address").textContent({ timeout: 30_000 }))!.trim();
}

const rawBalance = (page: Page, symbol: string) =>
  page
    .getByTestId(`balance-${symbol}`)
    .getAttribute("data-raw", { timeout: 1000 })
    .catch(() => null);

/** The ERC-721 token ids the page lists as held, from the index's balances. */
const heldNfts = async (page: Page, token: string) => {
  const items = page.getByTestId("balance-nft");
  const ids: string[] = [];
  for (const item of await items.all())
    if ((await item.getAttribute("data-token"))?.toLowerCase() === token.toLowerCase())
      ids.push((await item.getAttribute("data-token-id")) ?? "");
  return ids;
};

/** Fills the send form and follows the transaction until indexed; `amount` null: an NFT, sent whole. */
async function send(page: Page, to: string, asset: string, amount: string | null): Promise<string> {
  await page.getByLabel(/^To/).fill(to);
  await page.getByLabel("Asset").selectOption({ label: asset });
  if (amount === null)
    await expect.poll(() => page.getByLabel("Amount", { exact: true }).count(), { timeout: 10_000 }).toBe(0);
  else await page.getByLabel("Amount", { exact: true }).fill(amount);
  await page.getByRole("button", { name: "Sign and send" }).click();
  const status = page.getByTestId("send-status");
  return settledTx(status);
}

/** Waits for a transaction's status to settle: it must be indexed or final (its text says why not). Its hash. */
async function settledTx(status: Locator): Promise<string> {
  await expect
    .poll(() => status.getAttribute("data-state"), { timeout: 120_000, interval: 250 })
    .toMatch(/indexed|final|failed|reverted/);
  expect(await status.getAttribute("data-state"), (await status.textContent()) ?? "").toMatch(
    /^(indexed|final)$/,
  );
  return (await status.getByRole("link").getAttribute("title"))!;
}

/** The key lives only in the page's memory: after a reload the wallet is locked again. */
async function ensureUnlocked(page: Page, password: string): Promise<void> {
  await page.getByTestId("wallet-state").waitFor({ timeout: 30_000 });
  if ((await page.getByTestId("wallet-state").textContent()) === "locked") {
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Unlock", exact: true }).click();
  }
  await expect
    .poll(() => page.getByTestId("wallet-state").textContent(), { timeout: 60_000 })
    .toBe("unlocked");
}

// Each step waits on the chain, the pipeline and the browser: minutes apiece on a loaded 2-core machine.
describe.skipIf(!haveChromium)(
  "wallet in a real browser: sign-up, funded wallet, send by name",
  { timeout: 300_000 },
  () => {
    let anvil: Anvil;
    let stack: Stack;
    let chromium: HeadlessChromium;
    let token: `0x${string}`;
    let gold: `0x${string}`;
    let pair: `0x${string}`;
    let vault: `0x${string}`;
    let nft: `0x${string}`;
    const requests: Seen[] = [];
    const logLines: string[] = [];
    const restore: (() => void)[] = [];
    let a: Page;
    let b: Page;
    let addressA = "";
    let addressB = "";
    const emailA = `alice-${Date.now()}@example.com`;
    const emailB = `bob-${Date.now()}@example.com`;

    beforeAll(async () => {
      // Every line the services log passes through this process: kept for the no-secrets check.
      for (const stream of [process.stdout, process.stderr]) {
        const write = stream.write.bind(stream);
        stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
          logLines.push(String(chunk));
          return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof stream.write;
        restore.push(() => {
          stream.write = write;
        });
      }
      anvil = await startAnvil({ accounts: 4 });
      const client = await connectDevnet(anvil.rpcUrl);
      // Rewards of 0.001 FUSD a second to the vault's stakers.
      const market = await deployWalletMarket(client, { stake: "token", rewardPerSecond: 1000n });
      ({ token, gold, pair, nft, vault } = market);
      ({ stack, chromium } = await startBrowserSystem(
        anvil.rpcUrl,
        {
          API_FAUCET_TOKENS: token,
          API_FAUCET_ETH: "10",
          API_FAUCET_TOKEN_UNITS: "1000",
          API_FAUCET_NFTS: nft,
          API_SWAP_PAIRS: pair,
          API_SWAP_ROUTER: market.router,
          API_STAKE_VAULTS: vault,
          API_WALLET_CONFIRMATIONS: "3",
          LOG_LEVEL: "debug",
        },
        { pipeLogs: true },
      ));
      a = await openUser(chromium.browser, requests);
      b = await openUser(chromium.browser, requests);
    }, 400_000);

    afterAll(async () => {
      for (const r of restore) r();
      await chromium?.close();
      await stack?.stop();
      await anvil?.stop();
    });

    it("two users sign up and each gets a wallet funded with ETH and the test token, seen in the page", async () => {
      addressA = await signUp(a, stack.webUrl, emailA, PASSWORD_A);
      addressB = await signUp(b, stack.webUrl, emailB, PASSWORD_B);
      expect(addressA).toMatch(/^0x[0-9a-f]{40}$/);
      expect(addressB).not.toBe(addressA);
      const client = await connectDevnet(anvil.rpcUrl);
      for (const [page, address] of [
        [a, addressA],
        [b, addressB],
      ] as const) {
        await expect
          .poll(() => client.getBalance({ address: address as `0x${string}` }), { timeout: 60_000 })
          .toBe(parseEther("10"));
        await expect
          .poll(() => rawBalance(page, "ETH"), { timeout: 60_000 })
          .toBe(parseEther("10").toString());
        // The token shows once the index has its faucet transfer.
        await expect.poll(() => rawBalance(page, "FUSD"), { timeout: 120_000 }).toBe("1000000000");
      }
    });

    it("A unlocks with the password after a reload and sends ETH to B by e-mail and the token by address", async () => {
      await a.reload();
      await expect
        .poll(() => a.getByTestId("wallet-state").textContent(), { timeout: 30_000 })
        .toBe("locked");
      await a.getByLabel("Password").fill("not the password");
      await a.getByRole("button", { name: "Unlock", exact: true }).click();
      await expect
        .poll(() => a.getByRole("alert").textContent(), { timeout: 60_000 })
        .toContain("wrong password");
      await a.getByLabel("Password").fill(PASSWORD_A);
      await a.getByRole("button", { name: "Unlock", exact: true }).click();
      await expect
        .poll(() => a.getByTestId("wallet-state").textContent(), { timeout: 60_000 })
        .toBe("unlocked");
      await expect.poll(() => rawBalance(a, "FUSD"), { timeout: 60_000 }).toBe("1000000000");

      const ethTx = await send(a, emailB, "ETH", "1.5");
      const client = await connectDevnet(anvil.rpcUrl);
      // Final once the index holds API_WALLET_CONFIRMATIONS (3) blocks from the transaction's own up.
      const sendStatus = a.getByTestId("send-status");
      const mined = (await client.getTransactionReceipt({ hash: ethTx as `0x${string}` })).blockNumber;
      expect(await sendStatus.getAttribute("data-state")).toBe("indexed");
      expect(await sendStatus.textContent()).toContain("1 of 3 confirmations");
      await client.mine({ blocks: 2 });
      await expect.poll(() => sendStatus.getAttribute("data-state"), { timeout: 120_000 }).toBe("final");
      expect(await sendStatus.textContent()).toContain(`Sent in block ${mined}, final (3 confirmations)`);
      const tokenTx = await send(a, addressB, "FUSD", "250.5");
      expect(await client.getBalance({ address: addressB as `0x${string}` })).toBe(parseEther("11.5"));
      expect(
        await client.readContract({
          ...erc20At(token),
          functionName: "balanceOf",
          args: [addressB as `0x${string}`],
        }),
      ).toBe(1_250_500_000n);
      // Both users see both transfers from the index, and B's balances move.
      for (const page of [a, b]) {
        await page.reload();
        const activity = page.getByTestId("activity");
        await activity
          .getByRole("link", { name: ethTx.slice(0, 8), exact: false })
          .first()
          .waitFor({ timeout: 60_000 });
        await activity
          .getByRole("link", { name: tokenTx.slice(0, 8), exact: false })
          .first()
          .waitFor({ timeout: 60_000 });
      }
      await expect.poll(() => rawBalance(b, "ETH"), { timeout: 30_000 }).toBe(parseEther("11.5").toString());
      await expect.poll(() => rawBalance(b, "FUSD"), { timeout: 30_000 }).toBe("1250500000");
    });

    it("A sends the NFT the faucet gave it to B by e-mail: B's balances from the index show it, A's no longer", async () => {
      // The faucet minted each wallet the token whose id is its own address.
      const idA = BigInt(addressA).toString();
      const idB = BigInt(addressB).toString();
      await expect.poll(() => heldNfts(a, nft), { timeout: 120_000 }).toEqual([idA]);
      await expect.poll(() => heldNfts(b, nft), { timeout: 120_000 }).toEqual([idB]);
      await ensureUnlocked(a, PASSWORD_A);
      const nftTx = await send(a, emailB, `FART #${idA}`, null);
      const client = await connectDevnet(anvil.rpcUrl);
      const tx = await client.getTransaction({ hash: nftTx as `0x${string}` });
      expect(tx.to?.toLowerCase()).toBe(nft.toLowerCase());
      expect(tx.from.toLowerCase()).toBe(addressA);
      expect(
        await client.readContract({ ...erc721At(nft), functionName: "ownerOf", args: [BigInt(idA)] }),
      ).toBe(getAddress(addressB));
      // From the index: the balances the page lists follow the indexed Transfer.
      await expect.poll(() => heldNfts(b, nft), { timeout: 120_000 }).toEqual([idA, idB].sort(byNumber));
      await expect.poll(() => heldNfts(a, nft), { timeout: 120_000 }).toEqual([]);
      const indexed = async (address: string) =>
        (
          (await (await fetch(`${stack.apiUrl}/v1/address/${address}/balances`)).json()) as {
            nfts: { token: string; tokenId: string; balance: string }[];
          }
        ).nfts
          .filter((n) => n.token === nft.toLowerCase() && n.balance !== "0")
          .map((n) => n.tokenId);
      expect(await indexed(addressA)).toEqual([]);
      expect((await indexed(addressB)).sort(byNumber)).toEqual([idA, idB].sort(byNumber));
    });

    it("A swaps with a live quote and a slippage limit, the swap is found by its reference; a moved price reverts", async () => {
      const client = await connectDevnet(anvil.rpcUrl);
      const reserves = async () => {
        const [r0, r1] = await client.readContract({ ...pairAt(pair), functionName: "getReserves" });
        return BigInt(token) < BigInt(gold) ? [r0, r1] : [r1, r0];
      };
      // The reload above locked the wallet again: the key lives only in the page's memory.
      await ensureUnlocked(a, PASSWORD_A);
      await a.getByLabel("Pay with").selectOption({ label: "FUSD" });
      await a.getByLabel("Receive").selectOption({ label: "GLD" });
      await a.getByLabel("Amount to pay").fill("100");
      await a.getByLabel("Slippage limit (%)").fill("1");
      const quote = a.getByTestId("swap-quote");
      const [fusdReserve, goldReserve] = await reserves();
      const expected = getAmountOut(100n * 10n ** 6n, fusdReserve!, goldReserve!);
      await expect
        .poll(() => quote.getAttribute("data-amount-out"), { timeout: 30_000 })
        .toBe(expected.toString());
      // The quote asked before the slippage was typed shows until the new one lands: wait for the 1 % minimum.
      await expect
        .poll(() => quote.getAttribute("data-minimum-out"), { timeout: 30_000 })
        .toBe(((expected * 9900n) / 10000n).toString());
      // Live: a new block, a new quote.
      const before = Number(await quote.getAttribute("data-block"));
      await client.mine({ blocks: 1 });
      await expect
        .poll(async () => Number(await quote.getAttribute("data-block")), { timeout: 30_000 })
        .toBeGreaterThan(before);

      await a.getByRole("button", { name: "Review swap" }).click();
      await a.getByRole("button", { name: "Confirm swap" }).click();
      const goldOfA = () =>
        client.readContract({
          ...erc20At(gold),
          functionName: "balanceOf",
          args: [addressA as `0x${string}`],
        });
      const status = a.getByTestId("swap-status");
      const swapTx = await settledTx(status);
      expect(await goldOfA()).toBe(expected);
      // Found by its reference, on the page and through the swap routes.
      await expect
        .poll(() => a.getByTestId("swap-found").textContent(), { timeout: 60_000 })
        .toContain(swapTx.slice(0, 10));
      const detail = (await (await fetch(`${stack.apiUrl}/v1/swaps/${swapTx}`)).json()) as {
        items: { pool: string; transactionFrom: string }[];
      };
      expect(detail.items).toEqual([
        expect.objectContaining({ pool: pair.toLowerCase(), transactionFrom: addressA.toLowerCase() }),
      ]);

      // The price moves between the review and the confirmation: the router refuses, and the page says why.
      await a.getByLabel("Slippage limit (%)").fill("0.1");
      await expect
        .poll(() => quote.getAttribute("data-minimum-out"), { timeout: 30_000 })
        .not.toBe(((expected * 9900n) / 10000n).toString());
      await a.getByRole("button", { name: "Review swap" }).click();
      const [deployer] = await client.getAddresses();
      await mintErc20(client, { token, to: deployer!, amount: 200_000n * 10n ** 6n });
      await swap(client, { pair, tokenIn: token, amountIn: 200_000n * 10n ** 6n });
      const goldBefore = await goldOfA();
      await a.getByRole("button", { name: "Confirm swap" }).click();
      await expect.poll(() => status.getAttribute("data-state"), { timeout: 60_000 }).toBe("failed");
      expect(await status.textContent()).toContain("price moved beyond your slippage limit");
      expect(await status.textContent()).toContain("INSUFFICIENT_OUTPUT_AMOUNT");
      expect(await goldOfA()).toBe(goldBefore);
      // A's activity shows the swap from the index.
      await a.reload();
      await a
        .getByTestId("activity")
        .getByRole("link", { name: swapTx.slice(0, 8), exact: false })
        .first()
        .waitFor({ timeout: 60_000 });
    });

    it("A stakes the token, earns rewards as time passes, and unstakes with them", async () => {
      const client = await connectDevnet(anvil.rpcUrl);
      const balanceOfA = () =>
        client.readContract({
          ...erc20At(token),
          functionName: "balanceOf",
          args: [addressA as `0x${string}`],
        });
      await ensureUnlocked(a, PASSWORD_A);
      const position = a.getByTestId("stake-position");
      await position.waitFor({ timeout: 30_000 });
      const start = await balanceOfA();
      await a.getByLabel("Amount to stake").fill("100");
      await a.getByRole("button", { name: "Stake", exact: true }).click();
      const status = a.getByTestId("stake-status");
      const stakeTx = await settledTx(status);
      expect(await balanceOfA()).toBe(start - 100_000_000n);
      await expect.poll(() => position.getAttribute("data-shares"), { timeout: 30_000 }).not.toBe("0");
      // The portfolio's staked part comes from the index (the vault's Deposit event), its value from the vault.
      const shares = await client.readContract({
        ...stakingVaultAt(vault),
        functionName: "balanceOf",
        args: [addressA as `0x${string}`],
      });
      const staked = a.getByTestId(`staked-${vault.toLowerCase()}`);
      await expect
        .poll(() => staked.getAttribute("data-shares"), { timeout: 60_000 })
        .toBe(shares.toString());
      expect(await staked.getAttribute("data-events")).toBe("1");
      const stakeRows = a.getByTestId("stake-activity").locator("tbody tr");
      await expect
        .poll(() => stakeRows.first().getAttribute("data-tx"), { timeout: 60_000 })
        .toBe(stakeTx.toLowerCase());
      expect(await stakeRows.first().getAttribute("data-kind")).toBe("deposit");
      expect(await stakeRows.first().getAttribute("data-assets")).toBe("100000000");
      // An hour passes on the chain: 3.6 FUSD of rewards, all A's (the only staker).
      await client.increaseTime({ seconds: 3600 });
      await client.mine({ blocks: 1 });
      await expect
        .poll(async () => BigInt((await position.getAttribute("data-value")) ?? "0"), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(103_600_000n);
      await expect
        .poll(async () => BigInt((await staked.getAttribute("data-rewards")) ?? "0"), { timeout: 60_000 })
        .toBeGreaterThanOrEqual(3_600_000n);
      await a.getByRole("button", { name: "Unstake all" }).click();
      const unstakeTx = await settledTx(status);
      const end = await balanceOfA();
      expect(end).toBeGreaterThanOrEqual(start + 3_600_000n);
      await expect.poll(() => position.getAttribute("data-shares"), { timeout: 30_000 }).toBe("0");
      // Closed in the index too: no shares, and the rewards realised are exactly what A got back over the stake.
      await expect.poll(() => staked.getAttribute("data-shares"), { timeout: 60_000 }).toBe("0");
      expect(await staked.getAttribute("data-events")).toBe("2");
      expect(await staked.getAttribute("data-rewards")).toBe((end - start).toString());
      await expect
        .poll(() => stakeRows.first().getAttribute("data-tx"), { timeout: 60_000 })
        .toBe(unstakeTx.toLowerCase());
      expect(await stakeRows.first().getAttribute("data-kind")).toBe("withdraw");
      expect(await stakeRows.count()).toBe(2);
    });

    it("an injected EIP-1193 wallet signs instead of the keystore when the browser has one", async () => {
      // A browser extension stands in: window.ethereum whose requests go to one of the node's unlocked accounts.
      const client = await connectDevnet(anvil.rpcUrl);
      const [, extensionAccount] = await client.getAddresses();
      const context = await chromium.browser.newContext();
      await context.exposeFunction("__extensionRequest", async (method: string, params: unknown[]) => {
        const accounts = [extensionAccount!.toLowerCase()];
        if (method === "eth_requestAccounts" || method === "eth_accounts") return accounts;
        const res = await fetch(anvil.rpcUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        });
        const body = (await res.json()) as { result?: unknown; error?: { message: string } };
        if (body.error) throw new Error(body.error.message);
        return body.result;
      });
      await context.addInitScript(() => {
        const call = (
          globalThis as unknown as { __extensionRequest(m: string, p: unknown[]): Promise<unknown> }
        ).__extensionRequest;
        (globalThis as unknown as { ethereum: unknown }).ethereum = {
          request: ({ method, params }: { method: string; params?: unknown[] }) => call(method, params ?? []),
          on: () => undefined,
          removeListener: () => undefined,
        };
      });
      const page = await context.newPage();
      page.on("request", (r) => requests.push({ url: r.url(), body: r.postData() ?? "" }));
      // B signs in in this browser; B's keystore stays locked, the extension signs.
      await signIn(page, stack.webUrl, emailB, PASSWORD_B);
      await page.goto(`${stack.webUrl}/wallet`);
      await page.getByLabel("Sign with my browser wallet").check({ timeout: 60_000 });
      const before = await client.getBalance({ address: addressA as `0x${string}` });
      const extensionBefore = await client.getBalance({ address: extensionAccount! });
      const hash = await send(page, emailA, "ETH", "0.25");
      const tx = await client.getTransaction({ hash: hash as `0x${string}` });
      expect(tx.from.toLowerCase()).toBe(extensionAccount!.toLowerCase());
      expect(await client.getBalance({ address: addressA as `0x${string}` })).toBe(
        before + parseEther("0.25"),
      );
      expect(await client.getBalance({ address: extensionAccount! })).toBeLessThan(extensionBefore);
      await context.close();
    });

    it("never sends a private key or a password except to sign-up, logs neither, and stores only the keystore", async () => {
      const keys: string[] = [];
      for (const [email, password] of [
        [emailA, PASSWORD_A],
        [emailB, PASSWORD_B],
      ] as const) {
        // The test signs in over the API as the user would, to read the stored keystore and open it here.
        const login = await fetch(`${stack.apiUrl}/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password }),
        });
        const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
        const wallet = (await (await fetch(`${stack.apiUrl}/v1/wallet`, { headers: { cookie } })).json()) as {
          keystore: V3Keystore;
        };
        keys.push((await decryptKeystore(wallet.keystore, password)).slice(2));
      }
      expect(requests.length).toBeGreaterThan(20);
      for (const { url, body } of requests) {
        for (const key of keys) {
          expect(body.toLowerCase(), url).not.toContain(key);
          expect(url.toLowerCase()).not.toContain(key);
        }
        if (!url.endsWith("/v1/auth/signup") && !url.endsWith("/v1/auth/login"))
          for (const password of [PASSWORD_A, PASSWORD_B]) expect(body, url).not.toContain(password);
      }
      const logs = logLines.join("");
      expect(logs.length).toBeGreaterThan(1000);
      for (const secret of [...keys, PASSWORD_A, PASSWORD_B]) expect(logs).not.toContain(secret);
      // Every file the system wrote (store, meta store with its WAL, bus): the keys and passwords appear nowhere.
      const files = readdirSync(stack.dataDir, { recursive: true, withFileTypes: true }).filter((f) =>
        f.isFile(),
      );
      expect(files.some((f) => f.name.startsWith("meta.db"))).toBe(true);
      for (const f of files) {
        const content = readFileSync(join(f.parentPath, f.name));
        for (const key of keys) {
          expect(content.includes(key), f.name).toBe(false);
          expect(content.includes(Buffer.from(key, "hex")), f.name).toBe(false);
        }
        for (const password of [PASSWORD_A, PASSWORD_B])
          expect(content.includes(password), f.name).toBe(false);
      }
    });
  },
);
