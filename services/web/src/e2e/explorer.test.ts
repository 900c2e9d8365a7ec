import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Anvil, rpc, startAnvil } from "@chainlog/devnet";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { formatEth } from "../app/format/units.ts";
import { CHROMIUM_PATH, chromiumAvailable, type HeadlessChromium } from "./browser.ts";
import { transferCalldata, transferEmitterInitCode } from "./chain.ts";
import { createMarket, type Market } from "./market.ts";
import type { Stack } from "./stack.ts";
import { documentWidths, startBrowserSystem, submitCredentials, waitForBlock, webRoot } from "./steps.ts";

const artifacts = join(webRoot, "test-artifacts");

interface NodeTx {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  blockNumber: string;
}
interface NodeBlock {
  number: string;
  hash: string;
  transactions: string[];
}

const haveChromium = chromiumAvailable();
if (!haveChromium)
  console.warn(`browser tests skipped: no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);

describe.skipIf(!haveChromium)("explorer in a real browser against the embedded system", () => {
  let anvil: Anvil;
  let stack: Stack;
  let chromium: HeadlessChromium;
  let browser: Browser;
  let page: Page;
  const ethTransfers: string[] = [];
  let tokenTransfer: string;
  let recipient: string;
  let market: Market;
  /** Swaps in the market and is in WATCHED_ADDRESSES: its portfolio has balances and prices. */
  let trader: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    anvil = await startAnvil({ noMining: true, accounts: 6 });
    const accounts = await rpc<string[]>(anvil.rpcUrl, "eth_accounts");
    const [deployer = "", alice = ""] = accounts;
    // Receives ETH transfers 1 and 4 below and the token transfer: its address page has both kinds.
    recipient = accounts[4]!;
    trader = accounts[5]!;
    market = await createMarket(anvil.rpcUrl, deployer as `0x${string}`, trader as `0x${string}`);
    const deploy = await rpc<string>(anvil.rpcUrl, "eth_sendTransaction", [
      { from: deployer, data: transferEmitterInitCode },
    ]);
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x1"]);
    const token = (
      await rpc<{ contractAddress: string }>(anvil.rpcUrl, "eth_getTransactionReceipt", [deploy])
    ).contractAddress;
    // Odd wei amounts: a float formatter would round them, the page must not.
    for (let i = 0; i < 6; i++) {
      ethTransfers.push(
        await rpc<string>(anvil.rpcUrl, "eth_sendTransaction", [
          {
            from: accounts[i % 3],
            to: accounts[3 + (i % 3)],
            value: `0x${(10n ** 18n * BigInt(i + 1) + 123_456_789n).toString(16)}`,
          },
        ]),
      );
    }
    tokenTransfer = await rpc<string>(anvil.rpcUrl, "eth_sendTransaction", [
      { from: alice, to: token, data: transferCalldata(recipient, 4_200_000_000_000_000_000_001n) },
    ]);
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x1"]);
    ({ stack, chromium } = await startBrowserSystem(anvil.rpcUrl, {
      WETH_ADDRESS: market.weth,
      STABLECOIN_ADDRESSES: market.usdc,
      WATCHED_ADDRESSES: trader,
    }));
    await waitForBlock(stack, Number.parseInt(await rpc<string>(anvil.rpcUrl, "eth_blockNumber"), 16));
    browser = chromium.browser;
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
    await anvil?.kill();
  });

  it("paints the home page within a second and lists a block the devnet has", async () => {
    // Three cold loads, each in a new context (empty HTTP cache); the median keeps one scheduling hiccup on a
    // busy 2-core machine from deciding the result, while a page that is really slow still fails.
    const samples: { fcp: number; responseEnd: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext();
      const fresh = await context.newPage();
      await fresh.goto(stack.webUrl);
      samples.push(
        await fresh.evaluate(async () => {
          const fcp = await new Promise<number>((resolve) => {
            const seen = performance.getEntriesByName("first-contentful-paint")[0];
            if (seen) return resolve(seen.startTime);
            new PerformanceObserver((list) => {
              const entry = list.getEntriesByName("first-contentful-paint")[0];
              if (entry) resolve(entry.startTime);
            }).observe({ type: "paint", buffered: true });
          });
          const nav = performance.getEntriesByType("navigation")[0] as
            | PerformanceNavigationTiming
            | undefined;
          return { fcp, responseEnd: nav?.responseEnd ?? Number.NaN };
        }),
      );
      if (i === 2) {
        const head = await rpc<NodeBlock>(anvil.rpcUrl, "eth_getBlockByNumber", ["latest", false]);
        const headNumber = String(Number.parseInt(head.number, 16));
        await fresh
          .getByTestId("latest-blocks")
          .getByRole("link", { name: headNumber, exact: true })
          .waitFor({ timeout: 15_000 });
        await fresh.screenshot({ path: join(artifacts, "home.png"), fullPage: true });
      }
      await context.close();
    }
    const fcps = samples.map((s) => s.fcp).sort((a, b) => a - b);
    const median = fcps[1]!;
    console.log(
      `first contentful paint: median ${median.toFixed(0)} ms (${samples
        .map((s) => `${s.fcp.toFixed(0)} ms, html at ${s.responseEnd.toFixed(0)} ms`)
        .join("; ")})`,
    );
    expect(median).toBeLessThan(1000);
  });

  it("opens a block from the home page and shows the node's header and transactions", async () => {
    const node = await rpc<NodeBlock>(anvil.rpcUrl, "eth_getBlockByNumber", ["latest", false]);
    const number = String(Number.parseInt(node.number, 16));
    await page.goto(stack.webUrl);
    await page.getByTestId("latest-blocks").getByRole("link", { name: number, exact: true }).click();
    await page.waitForURL(`**/block/${number}`);
    await expect.poll(() => page.locator('dd[data-field="Hash"]').textContent()).toBe(node.hash);
    for (const hash of node.transactions)
      await page.locator(`a[href="/tx/${hash}"]`).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(artifacts, "block.png"), fullPage: true });
    // A block hash in the search box leads to the block, not to a missing transaction.
    const parent = await rpc<NodeBlock>(anvil.rpcUrl, "eth_getBlockByNumber", [
      node.number === "0x0" ? "0x0" : `0x${(Number.parseInt(node.number, 16) - 1).toString(16)}`,
      false,
    ]);
    await page.getByRole("searchbox").fill(parent.hash);
    await page.getByRole("searchbox").press("Enter");
    await page.waitForURL(`**/block/${Number.parseInt(parent.number, 16)}`);
    await page.goBack();
    await page.waitForURL(`**/block/${number}`);
  });

  it("opens a transaction and shows hash, from, to and value exactly as the node has them", async () => {
    const hash = ethTransfers[4]!;
    const node = await rpc<NodeTx>(anvil.rpcUrl, "eth_getTransactionByHash", [hash]);
    await page.locator(`a[href="/tx/${hash}"]`).click();
    await page.waitForURL(`**/tx/${hash}`);
    await page.locator('dd[data-field="Status"]').getByText("Success").waitFor();
    expect(await page.getByTestId("tx-hash").textContent()).toBe(hash);
    expect(await page.locator('dd[data-field="From"]').textContent()).toBe(node.from);
    expect(await page.locator('dd[data-field="To"]').textContent()).toBe(node.to);
    expect(await page.locator('dd[data-field="Value"]').textContent()).toBe(formatEth(BigInt(node.value)));
    expect(await page.locator('dd[data-field="Value"] [data-wei]').getAttribute("data-wei")).toBe(
      BigInt(node.value).toString(),
    );
    expect(await page.locator('dd[data-field="Block"]').textContent()).toBe(
      String(Number.parseInt(node.blockNumber, 16)),
    );
    await page.screenshot({ path: join(artifacts, "transaction.png"), fullPage: true });
  });

  it("finds a token transfer through the search box and shows it decoded", async () => {
    await page.getByRole("searchbox").fill(tokenTransfer);
    await page.getByRole("searchbox").press("Enter");
    await page.waitForURL(`**/tx/${tokenTransfer}`);
    const table = page.getByRole("table", { name: "Token transfers in this transaction" });
    await table.waitFor({ timeout: 15_000 });
    const row = table.locator("tbody tr");
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.locator("td").nth(0).textContent()).toBe("ERC20");
    expect(await row.locator("td").nth(3).locator("a").getAttribute("title")).toBe(recipient);
    // The emitter has no decimals(): the amount stays in base units, and says so.
    expect(await row.locator("td").nth(4).textContent()).toBe("4,200,000,000,000,000,000,001 (base units)");
    await page.screenshot({ path: join(artifacts, "transaction-token-transfer.png"), fullPage: true });
  });

  it("rejects a malformed search with a message, then opens an address with its history", async () => {
    await page.getByRole("searchbox").fill("0x1234");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("neither a transaction hash");
    await page.getByRole("searchbox").fill(recipient);
    await page.getByRole("searchbox").press("Enter");
    await page.waitForURL(`**/address/${recipient}`);
    const incoming = ethTransfers.filter((_, i) => i % 3 === 1);
    for (const hash of incoming) await page.locator(`a[href="/tx/${hash}"]`).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(artifacts, "address.png"), fullPage: true });
    await page.getByRole("tab", { name: "Token transfers" }).click();
    await page
      .getByRole("table", { name: `Token transfers of ${recipient}` })
      .locator(`a[href="/tx/${tokenTransfer}"]`)
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(artifacts, "address-token-transfers.png"), fullPage: true });
  });

  it("shows a newly mined transaction in the home page's live feed", async () => {
    const live = await browser.newPage();
    await live.goto(stack.webUrl);
    await expect
      .poll(() => live.getByText("Streaming as blocks are processed.").count(), { timeout: 15_000 })
      .toBe(1);
    const [from, to] = await rpc<string[]>(anvil.rpcUrl, "eth_accounts");
    const hash = await rpc<string>(anvil.rpcUrl, "eth_sendTransaction", [{ from, to, value: "0x1" }]);
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x1"]);
    await live.getByTestId("live-feed").locator(`a[href="/tx/${hash}"]`).waitFor({ timeout: 20_000 });
    await live.screenshot({ path: join(artifacts, "home-live-feed.png"), fullPage: true });
    await live.close();
  });

  it("works from the keyboard and fits a phone-sized screen", async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await phone.goto(`${stack.webUrl}/tx/${ethTransfers[0]}`);
    await phone.locator('dd[data-field="Status"]').getByText("Success").waitFor({ timeout: 15_000 });
    const [scrollWidth, clientWidth] = await documentWidths(phone);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth!);
    await phone.screenshot({ path: join(artifacts, "transaction-phone.png"), fullPage: true });

    // Keyboard walk from a fresh load (a full-page screenshot resizes the viewport, which must not decide where
    // sequential focus starts); nothing may hold focus before the user presses a key.
    await phone.reload();
    await phone.locator('dd[data-field="Status"]').getByText("Success").waitFor({ timeout: 15_000 });
    expect(await phone.evaluate(() => document.activeElement?.tagName)).toBe("BODY");
    await phone.keyboard.press("Tab");
    expect(await phone.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await phone.keyboard.press("Tab"); // the brand link
    await phone.keyboard.press("Tab");
    expect(await phone.evaluate(() => document.activeElement?.getAttribute("type"))).toBe("search");
    const tx = await rpc<NodeTx>(anvil.rpcUrl, "eth_getTransactionByHash", [ethTransfers[0]]);
    const number = String(Number.parseInt(tx.blockNumber, 16));
    await phone.keyboard.type(number);
    await phone.keyboard.press("Enter");
    await phone.waitForURL(`**/block/${number}`);
    // After navigating, focus lands on the new page's content, not back at the top of the document.
    await expect.poll(() => phone.evaluate(() => document.activeElement?.id)).toBe("main");
    await phone.close();
  });

  it("shows a token's metadata, price chart and transfers after the devnet swaps", async () => {
    // A symbol nobody uses gets a plain answer, not an error.
    await page.goto(stack.webUrl);
    await page.getByRole("searchbox").fill("NOSUCHTOKEN");
    await page.getByRole("searchbox").press("Enter");
    await page.waitForURL("**/search?q=NOSUCHTOKEN");
    await expect
      .poll(() => page.getByRole("status").first().textContent(), { timeout: 15_000 })
      .toContain("No block, transaction, address or token symbol matches");
    // Found by its symbol through the search box, in any case.
    await page.getByRole("searchbox").fill("clg");
    await page.getByRole("searchbox").press("Enter");
    await page.waitForURL(`**/token/${market.token.toLowerCase()}`, { timeout: 15_000 });
    await page.getByRole("heading", { level: 1, name: /Chainlog Gold/ }).waitFor({ timeout: 15_000 });
    expect(await page.locator('dd[data-field="Decimals"]').textContent()).toBe("18");
    // Four swaps went through CLG/WETH: its ETH price is known, and the chart has a point per price the API
    // has (one per swap, plus any the processor derives from the pool's liquidity events).
    await page.getByTestId("price-eth").waitFor({ timeout: 15_000 });
    // No USDC pool for CLG: its USD price is derived through ETH/USD (about 0.0001 ETH × 3,000 USD).
    await expect
      .poll(() => page.getByTestId("price-usd-derived").locator("strong").textContent(), { timeout: 15_000 })
      .toMatch(/^≈ \$0\.[23]\d*$/);
    await page.getByRole("radio", { name: "in ETH" }).check();
    const prices = (await (
      await fetch(`${stack.apiUrl}/v1/tokens/${market.token.toLowerCase()}/prices?quote=ETH`)
    ).json()) as { items: { transactionHash: string }[] };
    for (const hash of [1, 2, 4, 5].map((i) => market.swaps[i]))
      expect(prices.items.map((p) => p.transactionHash)).toContain(hash);
    const chart = page.getByTestId("price-chart");
    await expect
      .poll(() => chart.getAttribute("data-points"), { timeout: 15_000 })
      .toBe(String(prices.items.length));
    expect(await chart.getByRole("img").getAttribute("aria-label")).toMatch(
      /^CLG price in ETH: latest [\d.]+ ETH/,
    );
    const transfers = page.getByRole("table", { name: `Transfers of token ${market.token.toLowerCase()}` });
    // The CLG bought in a swap moves in the swap's transaction (when CLG is sold, the router-style transfer into
    // the pair is its own transaction).
    await transfers.locator(`a[href="/tx/${market.swaps[1]}"]`).first().waitFor({ timeout: 15_000 });
    // 2,000 CLG sold by the trader: decimals applied, symbol shown.
    await expect.poll(() => transfers.getByText("2,000 CLG", { exact: true }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, "token.png"), fullPage: true });
  });

  it("decodes a swap on the transaction page with symbols and decimals", async () => {
    const hash = market.swaps[1]!;
    await page.goto(`${stack.webUrl}/tx/${hash}`);
    const swaps = page.getByRole("table", { name: "Swaps in this transaction" });
    await swaps.waitFor({ timeout: 15_000 });
    const row = swaps.locator("tbody tr");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-field="sold"]').textContent()).toBe("1 WETH");
    expect(await row.locator('[data-field="bought"]').textContent()).toMatch(/^[\d,]+\.\d+ CLG$/);
    await page.screenshot({ path: join(artifacts, "transaction-swap.png"), fullPage: true });

    await page.goto(`${stack.webUrl}/tx/${market.wrap}`);
    const wraps = page.getByRole("table", { name: "WETH wraps and unwraps in this transaction" });
    await wraps.waitFor({ timeout: 15_000 });
    expect(await wraps.locator("tbody tr td").first().textContent()).toBe("Wrap (deposit)");
    expect(await wraps.locator("tbody tr td").last().textContent()).toBe("5 ETH");

    await page.goto(`${stack.webUrl}/tx/${market.approval}`);
    const approvals = page.getByRole("table", { name: "Approvals in this transaction" });
    await approvals.waitFor({ timeout: 15_000 });
    expect(await approvals.locator("tbody tr td").last().textContent()).toBe("1,234.5 CLG");
    await page.screenshot({ path: join(artifacts, "transaction-approval.png"), fullPage: true });
  });

  it("shows a transaction's internal transactions, and an address's in its Internal tab", async () => {
    await page.goto(`${stack.webUrl}/tx/${market.unwrap}`);
    const calls = page.getByRole("table", { name: "Calls made by this transaction" });
    await calls.waitFor({ timeout: 30_000 });
    const half = (10n ** 18n / 2n).toString();
    // WETH pays the router (a call inside the router's withdraw), the router pays the deployer
    const paid = calls.locator('tr[data-trace-address="1.0"]');
    expect(await paid.locator("td").nth(1).locator("a").getAttribute("title")).toBe(
      market.weth.toLowerCase(),
    );
    expect(await paid.locator("td").nth(2).locator("a").getAttribute("title")).toBe(
      market.router.toLowerCase(),
    );
    expect(await paid.locator("td[data-wei]").getAttribute("data-wei")).toBe(half);
    expect(await paid.locator("td[data-wei]").textContent()).toBe(formatEth(half));
    const payout = calls.locator('tr[data-trace-address="2"]');
    expect(await payout.locator("td[data-wei]").getAttribute("data-wei")).toBe(half);
    await page.screenshot({ path: join(artifacts, "transaction-internal.png"), fullPage: true });

    await page.goto(`${stack.webUrl}/address/${market.router.toLowerCase()}`);
    await page.getByRole("tab", { name: "Internal" }).click();
    const mine = page.getByRole("table", { name: `Internal transactions of ${market.router.toLowerCase()}` });
    await mine.waitFor({ timeout: 15_000 });
    // every call of the unwrap touches the router: all four, newest (last in trace order) first
    await expect.poll(() => mine.locator(`a[href="/tx/${market.unwrap}"]`).count()).toBe(4);
    expect(await mine.locator("tbody tr").first().getAttribute("data-trace-address")).toBe("2");
  });

  it("shows the portfolio of a watched address in USD, and how to watch an unwatched one", async () => {
    await page.goto(`${stack.webUrl}/address/${trader}`);
    const holdings = page.getByTestId("portfolio");
    await holdings.waitFor({ timeout: 20_000 });
    const eth = holdings.locator('tr[data-token="0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"]');
    await expect
      .poll(() => eth.locator('[data-field="value-usd"]').textContent())
      .toMatch(/^\$[\d,]+\.\d\d$/);
    expect(await page.getByTestId("portfolio-total").textContent()).toMatch(/^\$[\d,]+\.\d\d$/);
    for (const token of [market.weth, market.usdc, market.token])
      await holdings.locator(`tr[data-token="${token.toLowerCase()}"]`).waitFor({ timeout: 10_000 });
    // Tabs follow the ARIA pattern: arrow keys move between them (Left from the first wraps to the last).
    await page.getByRole("tab", { name: "Transactions" }).focus();
    await page.keyboard.press("ArrowLeft");
    expect(await page.getByRole("tab", { name: "Swaps" }).getAttribute("aria-selected")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Swaps");
    const swaps = page.getByRole("table", { name: `Swaps of ${trader}` });
    for (const hash of market.swaps)
      await swaps.locator(`a[href="/tx/${hash}"]`).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(artifacts, "address-portfolio.png"), fullPage: true });
    // ETH has a token page too, priced in USD through the WETH/USDC pool.
    await eth.getByRole("link", { name: "ETH" }).click();
    await page.waitForURL("**/token/0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    await page.getByTestId("price-usd").waitFor({ timeout: 15_000 });
    expect(await page.locator('dd[data-field="Standard"]').count()).toBe(0);
    await expect
      .poll(() => page.getByTestId("price-chart").getAttribute("data-points"), { timeout: 15_000 })
      .toMatch(/^[1-9]\d*$/);
    await page.screenshot({ path: join(artifacts, "token-eth.png"), fullPage: true });

    await page.goto(`${stack.webUrl}/address/${recipient}`);
    await page.getByTestId("portfolio-not-watched").waitFor({ timeout: 15_000 });
    // Unwatched, it still has balances: ETH as the node has it at the block shown, the token from its transfers.
    const balances = page.getByTestId("balances");
    await balances.waitFor({ timeout: 15_000 });
    const ethRow = balances.locator('tr[data-token="0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"]');
    const atBlock = Number(await ethRow.locator('a[href^="/block/"]').textContent());
    expect(await ethRow.locator("[data-raw]").getAttribute("data-raw")).toBe(
      BigInt(
        await rpc<string>(anvil.rpcUrl, "eth_getBalance", [recipient, `0x${atBlock.toString(16)}`]),
      ).toString(),
    );
    expect(await balances.locator("tr[data-token]").count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(artifacts, "address-balances.png"), fullPage: true });
    // A token's address page says who deployed it, and links to the token page.
    await page.goto(`${stack.webUrl}/address/${market.token.toLowerCase()}`);
    await expect
      .poll(() => page.locator('dd[data-field="Created by"]').textContent(), { timeout: 15_000 })
      .toBe(market.deployer.toLowerCase());
    await page.getByTestId("token-link").getByRole("link").click();
    await page.waitForURL(`**/token/${market.token.toLowerCase()}`);
  });

  it("shows the pipeline status with the devnet endpoint healthy", async () => {
    await page.goto(stack.webUrl);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Status" }).click();
    await page.waitForURL("**/status");
    const endpoints = page.getByTestId("endpoints").first();
    await endpoints.waitFor({ timeout: 20_000 });
    const port = new URL(anvil.rpcUrl).port;
    const row = endpoints.locator("tbody tr").filter({ hasText: port });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => row.locator(".badge").textContent(), { timeout: 15_000 }).toBe("healthy");
    expect(await page.getByTestId("health-store").locator(".badge").textContent()).toBe("healthy");
    await page.screenshot({ path: join(artifacts, "status.png"), fullPage: true });
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await phone.goto(`${stack.webUrl}/status`);
    await phone.getByTestId("endpoints").first().waitFor({ timeout: 15_000 });
    const [scrollWidth, clientWidth] = await documentWidths(phone);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth!);
    await phone.screenshot({ path: join(artifacts, "status-phone.png"), fullPage: true });
    await phone.close();
  });

  describe("accounts", () => {
    let account: Page;
    const email = `e2e-${Date.now()}@example.com`;

    beforeAll(async () => {
      account = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    });

    it("signs up, lands signed in, and keeps the session across a reload", async () => {
      await account.goto(`${stack.webUrl}/signup`);
      await submitCredentials(account, email, "short", "Create account");
      await expect.poll(() => account.getByRole("alert").textContent()).toContain("at least 8");
      await submitCredentials(account, email, "correct horse battery", "Create account");
      // The wallet is made and encrypted in the page before it lands on the wallet page.
      await account.waitForURL("**/wallet", { timeout: 120_000 });
      await expect.poll(() => account.getByTestId("signed-in-as").textContent()).toBe(email);
      await account.reload();
      await expect.poll(() => account.getByTestId("signed-in-as").textContent()).toBe(email);
      const cookies = await account.context().cookies();
      expect(cookies.find((c) => c.name === "chainlog_session")?.httpOnly).toBe(true);
    });

    it("creates a watchlist and alerts live when the devnet mines a matching transaction", async (ctx) => {
      await account.goto(`${stack.webUrl}/watchlists`);
      await account.getByLabel("Name").fill("Recipients");
      await account.getByLabel(/^Addresses/).fill(`not-an-address\n${recipient}`);
      await account.getByRole("button", { name: "Create watchlist" }).click();
      await expect.poll(() => account.getByRole("alert").textContent()).toContain("not-an-address");
      await account.getByLabel(/^Addresses/).fill(recipient);
      await account.getByRole("button", { name: "Create watchlist" }).click();
      await account.getByRole("heading", { name: "Recipients" }).waitFor({ timeout: 10_000 });
      const stream = await fetch(`${stack.webUrl}/v1/stream`, { signal: AbortSignal.timeout(5000) }).then(
        async (res) => {
          await res.body?.cancel();
          return res.status;
        },
        () => 0,
      );
      if (stream !== 200) ctx.skip(`query-api has no live stream yet (GET /v1/stream answered ${stream})`);
      await expect
        .poll(() => account.getByText("Watching 1 address(es) live.").count(), { timeout: 15_000 })
        .toBe(1);
      const [from] = await rpc<string[]>(anvil.rpcUrl, "eth_accounts");
      const hash = await rpc<string>(anvil.rpcUrl, "eth_sendTransaction", [
        { from, to: recipient, value: "0x2a" },
      ]);
      await rpc(anvil.rpcUrl, "anvil_mine", ["0x1"]);
      await account.getByTestId("alerts").locator(`a[href="/tx/${hash}"]`).waitFor({ timeout: 20_000 });
      await account.screenshot({ path: join(artifacts, "watchlists-alert.png"), fullPage: true });
    });

    it("runs an export job and downloads its result", async (ctx) => {
      await account.getByRole("link", { name: "Exports" }).click();
      await account.waitForURL("**/exports");
      await account.getByLabel("Address", { exact: true }).fill(recipient);
      await account.getByRole("button", { name: "Start export" }).click();
      const row = account.locator("tr[data-job]").first();
      await row.waitFor({ timeout: 10_000 });
      const picked = await vi
        .waitFor(
          async () => {
            const status = await row.getAttribute("data-status");
            if (!status || status === "queued") throw new Error("the export job is not picked up yet");
            return status;
          },
          { timeout: 20_000, interval: 200 },
        )
        .catch(() => null);
      if (!picked) ctx.skip("no worker runs export jobs in this build yet (the job stayed queued)");
      await expect.poll(() => row.getAttribute("data-status"), { timeout: 60_000 }).toBe("done");
      await account.screenshot({ path: join(artifacts, "exports.png"), fullPage: true });
      const [download] = await Promise.all([
        account.waitForEvent("download"),
        row.getByRole("link", { name: "Download" }).click(),
      ]);
      const path = join(artifacts, download.suggestedFilename() || "export");
      await download.saveAs(path);
      const content = readFileSync(path, "utf8");
      for (const hash of ethTransfers.filter((_, i) => i % 3 === 1)) expect(content).toContain(hash);
    });
  });
});
