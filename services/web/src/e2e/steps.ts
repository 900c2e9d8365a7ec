import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger } from "@chainlog/telemetry";
import type { Page } from "playwright-core";
import { ensureBuild } from "../server/ensure-build.ts";
import { type HeadlessChromium, launchChromium } from "./browser.ts";
import { type Stack, startStack } from "./stack.ts";

/** The web package's folder: the built app is served from its dist/. */
export const webRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * What every browser suite starts from: the app built, the embedded system (as `pnpm start` runs it) on the
 * given node with web and query-api ready, and a headless chromium.
 */
export async function startBrowserSystem(
  rpcUrl: string,
  extraEnv: Record<string, string> = {},
  options: { pipeLogs?: boolean } = {},
): Promise<{ stack: Stack; chromium: HeadlessChromium }> {
  await ensureBuild(webRoot, join(webRoot, "dist", "public"), createLogger("web-e2e", "warn"));
  const stack = await startStack(rpcUrl, extraEnv, options);
  await stack.waitFor("web to be ready", async () => (await fetch(`${stack.webUrl}/readyz`)).ok, 120_000);
  await stack.waitFor(
    "query-api to be ready",
    async () => (await fetch(`${stack.apiUrl}/readyz`)).ok,
    120_000,
  );
  return { stack, chromium: await launchChromium() };
}

/** Waits until query-api serves block `number` (the pipeline has indexed the node up to it). */
export async function waitForBlock(stack: Stack, number: number, timeoutMs = 120_000): Promise<void> {
  await stack.waitFor(
    `query-api to serve block ${number}`,
    async () => {
      const res = await fetch(`${stack.apiUrl}/v1/blocks/latest`);
      return res.ok && ((await res.json()) as { number: number }).number >= number;
    },
    timeoutMs,
  );
}

/** Fills the sign-up/sign-in form and presses its button (`Create account` or `Sign in`). */
export async function submitCredentials(
  page: Page,
  email: string,
  password: string,
  button: "Create account" | "Sign in",
): Promise<void> {
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: button }).click();
}

/** Signs up in the page; the wallet is made and encrypted in the page before it lands on the wallet page. */
export async function signUp(page: Page, webUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${webUrl}/signup`);
  await submitCredentials(page, email, password, "Create account");
  await page.waitForURL("**/wallet", { timeout: 120_000 });
}

/** Signs in in the page; it lands on the watchlists. */
export async function signIn(page: Page, webUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${webUrl}/login`);
  await submitCredentials(page, email, password, "Sign in");
  await page.waitForURL("**/watchlists");
}

/** The page's document and viewport widths: the first larger than the second means a horizontal scrollbar. */
export async function documentWidths(page: Page): Promise<[number, number]> {
  return page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
}
