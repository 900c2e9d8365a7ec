import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteBus, createSqliteMetaStore, createSqliteStore } from "@chainlog/embedded";
import type { ModelTables } from "@chainlog/lake";
import type { Bus, IndexedBlock, MetaStore, Store } from "@chainlog/ports";
import { addressOf, buildBlock, type TxSpec } from "@chainlog/ports/contract";
import type { RpcPool } from "@chainlog/rpc";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { type ApiServer, createApiServer } from "../server.ts";
import type { ApiSettings } from "../settings.ts";

export interface ApiHarness {
  app: ApiServer;
  store: Store;
  meta: MetaStore;
  bus: Bus | null;
  close(): Promise<void>;
}

/** query-api on the real embedded SQLite store and meta store in a temporary directory. */
export async function openApiHarness(
  options: {
    settings?: Partial<ApiSettings>;
    withBus?: boolean;
    blocks?: IndexedBlock[];
    /** A node pool (tests start anvil): balances, Etherscan's proxy and logs. */
    rpc?: RpcPool;
    /** Built lake model tables (GET /v1/lake/models). */
    lakeModels?: ModelTables;
  } = {},
): Promise<ApiHarness> {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-query-api-"));
  const store = createSqliteStore({ path: join(dir, "store.db") });
  const meta = createSqliteMetaStore({ path: join(dir, "meta.db") });
  await store.migrate();
  await meta.migrate();
  const bus = options.withBus ? createSqliteBus({ path: join(dir, "bus.db") }) : null;
  if (options.blocks?.length) await store.writeBlocks(options.blocks);
  const app = await createApiServer({
    store,
    meta,
    ...(bus ? { bus } : {}),
    ...(options.rpc ? { rpc: options.rpc } : {}),
    ...(options.lakeModels ? { lakeModels: options.lakeModels } : {}),
    logger: createLogger("query-api-test", "silent"),
    metrics: createMetricsRegistry("query-api-test"),
    config: {
      ipRateLimit: { perSecond: 0, burst: 1 },
      authRateLimit: { perSecond: 0, burst: 1 },
      loginRateLimit: { perSecond: 0, burst: 1 },
      // 2^14 keeps suites that sign up many users fast; auth/password.test.ts proves the default and re-hash.
      passwordCost: 14,
      ...options.settings,
    },
  });
  await app.ready();
  return {
    app,
    store,
    meta,
    bus,
    async close() {
      await app.close();
      await bus?.close();
      await store.close();
      await meta.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Signs a user up through the API and keeps the session cookie; with `key`, also makes an API key for them.
 * Both answers are checked, so a test whose bootstrap failed says so instead of failing later on a 401.
 */
export async function signUpUser(
  app: ApiServer,
  email: string,
  options: { remoteAddress?: string; key?: { name: string; scopes: string[] } } = {},
): Promise<{ cookie: string; key: string | null }> {
  const from = options.remoteAddress ? { remoteAddress: options.remoteAddress } : {};
  const signup = await app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    ...from,
    payload: { email, password: "a long enough password" },
  });
  if (signup.statusCode !== 201) throw new Error(`sign-up of ${email}: ${signup.statusCode} ${signup.body}`);
  const cookie = String(signup.headers["set-cookie"]).split(";")[0]!;
  if (!options.key) return { cookie, key: null };
  const key = await app.inject({
    method: "POST",
    url: "/v1/keys",
    ...from,
    headers: { cookie },
    payload: options.key,
  });
  if (key.statusCode !== 201) throw new Error(`API key for ${email}: ${key.statusCode} ${key.body}`);
  return { cookie, key: key.json().key as string };
}

export const ALICE = addressOf("alice");
export const BOB = addressOf("bob");
export const CAROL = addressOf("carol");
export const TOKEN = addressOf("token-usdc");

/**
 * A small chain of 1..n blocks: ETH transfers between alice/bob/carol, an ERC-20 transfer, a contract creation
 * and the other transaction types, so every record shape passes through the API.
 */
export function sampleChain(blocks = 12): IndexedBlock[] {
  const result: IndexedBlock[] = [];
  for (let number = 1; number <= blocks; number++) {
    const txs: TxSpec[] = [
      { from: ALICE, to: BOB, type: 2 },
      {
        from: BOB,
        to: CAROL,
        type: 0,
        value: "115792089237316195423570985008687907853269984665640564039457584007913129639935",
      },
      {
        from: CAROL,
        to: TOKEN,
        type: 2,
        input: "0xa9059cbb",
        transfers: [{ token: TOKEN, from: CAROL, to: ALICE, value: "2500000" }],
      },
    ];
    if (number % 3 === 0) txs.push({ from: ALICE, to: null, type: 1, logs: 1 });
    if (number % 4 === 0) txs.push({ from: BOB, to: ALICE, type: 3 });
    if (number % 5 === 0) txs.push({ from: CAROL, to: BOB, type: 4, status: 0 });
    result.push(buildBlock({ number, txs }));
  }
  return result;
}
