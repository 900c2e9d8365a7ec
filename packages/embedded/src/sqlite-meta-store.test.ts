import { writeFileSync } from "node:fs";
import { waitFor } from "@chainlog/ports/contract";
import { afterEach, describe, expect } from "vitest";
import { openDatabase } from "./sqlite.ts";
import { createSqliteMetaStore } from "./sqlite-meta-store.ts";
import { killWorkers, startWorker } from "./test-support/spawn-worker.ts";
import { it } from "./test-support/temp-files.ts";

describe("SqliteMetaStore across processes", () => {
  afterEach(killWorkers);

  it("three processes claiming one queue never get the same job, and together get all", async ({
    path,
    tempPath,
  }) => {
    const go = tempPath("go");
    const meta = createSqliteMetaStore({ path });
    await meta.migrate();
    const user = await meta.createUser({ email: "q@example.org", passwordHash: "h" });
    const jobs = [];
    for (let i = 0; i < 60; i++) jobs.push(await meta.createJob(user.id, { kind: "export", params: { i } }));

    const workers = [0, 1, 2].map(() => startWorker("./meta-worker.ts", [path, "export", go]));
    await waitFor(() => workers.every((w) => w.lines.includes("ready")), "workers to open the store", 30_000);
    writeFileSync(go, "");
    for (const w of workers) expect((await w.exited)[0], w.stderr()).toBe(0);

    const claims = workers.map((w) => w.lines.filter((l) => l.startsWith("claimed ")).map((l) => l.slice(8)));
    const all = claims.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all)).toEqual(new Set(jobs.map((j) => j.id)));
    // The claims really raced: more than one process got work.
    expect(claims.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    for (const j of jobs) expect((await meta.getJob(user.id, j.id))?.status).toBe("running");
    await meta.close();
  }, 60_000);
});

describe("SqliteMetaStore upgrade", () => {
  it("a meta.db from before wallets gets the wallet and faucet tables on open, its accounts kept", async ({
    path,
  }) => {
    const first = createSqliteMetaStore({ path });
    const user = await first.createUser({ email: "old@example.org", passwordHash: "h" });
    await first.close();
    // What a file written by the previous release looks like: no wallets, no faucet grants.
    const raw = openDatabase(path);
    raw.exec("DROP TABLE wallets; DROP TABLE faucet_claims;");
    raw.close();

    const meta = createSqliteMetaStore({ path });
    await meta.migrate();
    expect(await meta.getUserByEmail("old@example.org")).toEqual(user);
    const address = `0x${"ab".repeat(20)}`;
    await meta.putWallet(user.id, { address, keystore: "{}" });
    expect(await meta.getWalletAddressByEmail("OLD@example.org")).toBe(address);
    expect(await meta.claimFaucet(user.id, address)).toBe(true);
    await meta.close();
  });
});
