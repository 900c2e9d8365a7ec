import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Anvil, connectDevnet, deployErc20, erc20At, startAnvil } from "@chainlog/devnet";
import { createLogger } from "@chainlog/telemetry";
import type { Browser, Page } from "playwright-core";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptKeystore, type V3Keystore } from "../app/wallet/keystore.ts";
import { ensureBuild } from "../server/ensure-build.ts";
import { CHROMIUM_PATH, chromiumAvailable, type HeadlessChromium, launchChromium } from "./browser.ts";
import { type Stack, startStack, waitFor } from "./stack.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const haveChromium = chromiumAvailable();
if (!haveChromium)
  console.warn(`wallet browser tests skipped: no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);

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
  await page.goto(`${webUrl}/signup`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/wallet", { timeout: 120_000 });
  return (await page.getByTestId("wallet-address").textContent({ timeout: 30_000 }))!.trim();
}

const rawBalance = (page: Page, symbol: string) =>
  page
    .getByTestId(`balance-${symbol}`)
    .getAttribute("data-raw", { timeout: 1000 })
    .catch(() => null);

async function send(page: Page, to: string, asset: string, amount: string): Promise<string> {
  await page.getByLabel(/^To/).fill(to);
  await page.getByLabel("Asset").selectOption({ label: asset });
  await page.getByLabel("Amount").fill(amount);
  await page.getByRole("button", { name: "Sign and send" }).click();
  const status = page.getByTestId("send-status");
  await expect
    .poll(() => status.getAttribute("data-state"), { timeout: 120_000, interval: 250 })
    .toMatch(/indexed|failed|reverted/);
  expect(await status.getAttribute("data-state"), (await status.textContent()) ?? "").toBe("indexed");
  return (await status.getByRole("link").getAttribute("title"))!;
}

describe.skipIf(!haveChromium)("wallet in a real browser: sign-up, funded wallet, send by name", () => {
  let anvil: Anvil;
  let stack: Stack;
  let chromium: HeadlessChromium;
  let token: `0x${string}`;
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
    await ensureBuild(root, join(root, "dist", "public"), createLogger("web-e2e", "warn"));
    anvil = await startAnvil({ accounts: 4 });
    const client = await connectDevnet(anvil.rpcUrl);
    token = await deployErc20(client, { name: "Faucet Dollar", symbol: "FUSD", decimals: 6 });
    stack = await startStack(
      anvil.rpcUrl,
      { API_FAUCET_TOKENS: token, API_FAUCET_ETH: "10", API_FAUCET_TOKEN_UNITS: "1000", LOG_LEVEL: "debug" },
      { pipeLogs: true },
    );
    await waitFor("web to be ready", async () => (await fetch(`${stack.webUrl}/readyz`)).ok, 120_000, {
      stack,
    });
    await waitFor("query-api to be ready", async () => (await fetch(`${stack.apiUrl}/readyz`)).ok, 120_000, {
      stack,
    });
    chromium = await launchChromium();
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
      await expect.poll(() => rawBalance(page, "ETH"), { timeout: 60_000 }).toBe(parseEther("10").toString());
      // The token shows once the index has its faucet transfer.
      await expect.poll(() => rawBalance(page, "FUSD"), { timeout: 120_000 }).toBe("1000000000");
    }
  });

  it("A unlocks with the password after a reload and sends ETH to B by e-mail and the token by address", async () => {
    await a.reload();
    await expect.poll(() => a.getByTestId("wallet-state").textContent(), { timeout: 30_000 }).toBe("locked");
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
    const tokenTx = await send(a, addressB, "FUSD", "250.5");
    const client = await connectDevnet(anvil.rpcUrl);
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
      for (const password of [PASSWORD_A, PASSWORD_B]) expect(content.includes(password), f.name).toBe(false);
    }
  });
});
