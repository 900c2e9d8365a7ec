import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DuplicateError, type MetaStore, QuotaExceededError } from "../meta-store.ts";
import { addressOf, hashOf, uniqueName } from "./fixtures.ts";
import { leaseContract } from "./lease.contract.ts";
import { openForSuite } from "./open-for-suite.ts";

export interface MetaStoreHandle {
  meta: MetaStore;
  cleanup(): Promise<void>;
}

const TIMEOUT = 60_000;

/**
 * The behaviour every MetaStore must show: accounts, sessions and keys found the way login and API auth look
 * them up, and per-user data that no other user can read, change or delete whatever ids they guess.
 */
export function describeMetaStoreContract(
  name: string,
  open: () => Promise<MetaStoreHandle>,
  /** atomicQuotas: the quota check and the write are one transaction, so racing writes never pass a quota. */
  options: { atomicQuotas: boolean },
): void {
  describe(`MetaStore contract: ${name}`, { timeout: TIMEOUT }, () => {
    let meta: MetaStore;
    const email = (label: string) => `${uniqueName(label)}@example.org`;
    /** An address no other test uses, per label. */
    const freshAddresses = <L extends string[]>(...labels: L) =>
      labels.map((l) => addressOf(uniqueName(l))) as { [K in keyof L]: string };
    const newUser = (label: string) =>
      meta.createUser({ email: email(label), passwordHash: `scrypt$${label}` });

    openForSuite(
      open,
      (handle) => {
        meta = handle.meta;
        return [meta];
      },
      TIMEOUT,
    );

    leaseContract(() => meta);

    it("is healthy", async () => {
      expect((await meta.health()).ok).toBe(true);
    });

    it("creates users, finds them by id and by e-mail in any case, and refuses a taken e-mail", async () => {
      const address = email("Mixed.Case");
      const user = await meta.createUser({ email: address, passwordHash: "scrypt$N=16384$salt$hash" });
      expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(user).toMatchObject({ email: address, passwordHash: "scrypt$N=16384$salt$hash" });
      expect(await meta.getUserById(user.id)).toEqual(user);
      expect(await meta.getUserByEmail(address.toUpperCase())).toEqual(user);
      expect(await meta.getUserByEmail(address.toLowerCase())).toEqual(user);
      await expect(
        meta.createUser({ email: address.toUpperCase(), passwordHash: "x" }),
      ).rejects.toBeInstanceOf(DuplicateError);
      expect(await meta.getUserByEmail(email("nobody"))).toBeNull();
      expect(await meta.getUserById("00000000-0000-4000-8000-000000000000")).toBeNull();
      const other = await newUser("other");
      expect(other.id).not.toBe(user.id);
    });

    it("sessions are found until they expire, and not after delete", async () => {
      const user = await newUser("session");
      const now = Date.now();
      const session = {
        tokenHash: hashOf(uniqueName("token")),
        userId: user.id,
        createdAt: now,
        expiresAt: now + 60_000,
      };
      await meta.createSession(session);
      expect(await meta.getSession(session.tokenHash, now)).toEqual(session);
      expect(await meta.getSession(session.tokenHash, now + 59_999)).toEqual(session);
      expect(await meta.getSession(session.tokenHash, now + 60_000)).toBeNull();
      expect(await meta.getSession(hashOf("unknown"), now)).toBeNull();
      await meta.deleteSession(session.tokenHash);
      expect(await meta.getSession(session.tokenHash, now)).toBeNull();
      await meta.deleteSession(session.tokenHash);
    });

    it("API keys are found by hash until revoked, and only their owner can list or revoke them", async () => {
      const [a, b] = [await newUser("key-a"), await newUser("key-b")];
      const keyHash = hashOf(uniqueName("key"));
      const key = await meta.createApiKey({
        userId: a.id,
        name: "CI key 🙂",
        prefix: "cl_abc",
        keyHash,
        scopes: ["read", "stream"],
      });
      expect(key).toMatchObject({
        userId: a.id,
        name: "CI key 🙂",
        keyHash,
        scopes: ["read", "stream"],
        revokedAt: null,
      });
      expect(await meta.findApiKeyByHash(keyHash)).toEqual(key);
      expect(await meta.listApiKeys(a.id)).toEqual([key]);
      expect(await meta.listApiKeys(b.id)).toEqual([]);

      expect(await meta.revokeApiKey(b.id, key.id)).toBe(false);
      expect(await meta.findApiKeyByHash(keyHash)).toEqual(key);
      expect(await meta.revokeApiKey(a.id, "00000000-0000-4000-8000-000000000000")).toBe(false);

      expect(await meta.revokeApiKey(a.id, key.id)).toBe(true);
      expect(await meta.findApiKeyByHash(keyHash)).toBeNull();
      const [listed] = await meta.listApiKeys(a.id);
      expect(listed?.id).toBe(key.id);
      expect(listed?.revokedAt).toEqual(expect.any(Number));
    });

    it("watchlists belong to their owner: another user can neither read, change nor delete them", async () => {
      const [a, b] = [await newUser("wl-a"), await newUser("wl-b")];
      const addresses = freshAddresses("w1", "w2");
      const list = await meta.createWatchlist(a.id, { name: "whales", addresses });
      expect(list).toMatchObject({ userId: a.id, name: "whales", addresses });
      expect(await meta.getWatchlist(a.id, list.id)).toEqual(list);
      expect(await meta.listWatchlists(a.id)).toEqual([list]);

      expect(await meta.getWatchlist(b.id, list.id)).toBeNull();
      expect(await meta.listWatchlists(b.id)).toEqual([]);
      expect(await meta.updateWatchlist(b.id, list.id, { name: "stolen", addresses: [] })).toBeNull();
      expect(await meta.deleteWatchlist(b.id, list.id)).toBe(false);
      expect(await meta.getWatchlist(a.id, list.id)).toEqual(list);

      const renamed = await meta.updateWatchlist(a.id, list.id, { name: "big whales" });
      expect(renamed).toMatchObject({ id: list.id, name: "big whales", addresses });
      expect(renamed!.updatedAt).toBeGreaterThanOrEqual(list.updatedAt);
      expect(await meta.getWatchlist(a.id, list.id)).toEqual(renamed);

      expect(await meta.deleteWatchlist(a.id, list.id)).toBe(true);
      expect(await meta.getWatchlist(a.id, list.id)).toBeNull();
      expect(await meta.deleteWatchlist(a.id, list.id)).toBe(false);
    });

    it("findWatchlistsByAddress finds every user's lists holding an address, and follows updates and deletes", async () => {
      const [a, b] = [await newUser("find-a"), await newUser("find-b")];
      const [shared, onlyA, later] = freshAddresses("s", "a", "l");
      const la = await meta.createWatchlist(a.id, { name: "a", addresses: [shared, onlyA] });
      const lb = await meta.createWatchlist(b.id, { name: "b", addresses: [shared] });
      const ids = async (address: string) =>
        (await meta.findWatchlistsByAddress(address)).map((w) => w.id).sort();

      expect(await ids(shared)).toEqual([la.id, lb.id].sort());
      expect(await ids(onlyA)).toEqual([la.id]);
      expect(await ids(later)).toEqual([]);

      await meta.updateWatchlist(a.id, la.id, { addresses: [later] });
      expect(await ids(shared)).toEqual([lb.id]);
      expect(await ids(onlyA)).toEqual([]);
      expect(await ids(later)).toEqual([la.id]);
      expect((await meta.findWatchlistsByAddress(later))[0]).toMatchObject({
        userId: a.id,
        addresses: [later],
      });

      await meta.deleteWatchlist(b.id, lb.id);
      expect(await ids(shared)).toEqual([]);
    });

    it("listWatchedAddresses: every watched address once, lower case, sorted, following updates and deletes", async () => {
      const [a, b] = [await newUser("watched-a"), await newUser("watched-b")];
      const [x, y, z] = freshAddresses("x", "y", "z");
      const loud = (address: string) => `0x${address.slice(2).toUpperCase()}`;
      const mine = async () => {
        const all = await meta.listWatchedAddresses();
        expect(all).toEqual([...new Set(all)].sort());
        for (const address of all) expect(address).toBe(address.toLowerCase());
        return all.filter((address) => [x, y, z].includes(address));
      };
      expect(await mine()).toEqual([]);
      const la = await meta.createWatchlist(a.id, { name: "a", addresses: [x, loud(y)] });
      const lb = await meta.createWatchlist(b.id, { name: "b", addresses: [y, z] });
      await meta.createWatchlist(b.id, { name: "b2", addresses: [z] });
      expect(await mine()).toEqual([x, y, z].sort());

      await meta.updateWatchlist(a.id, la.id, { addresses: [z] });
      expect(await mine()).toEqual([y, z].sort());
      await meta.updateWatchlist(b.id, lb.id, { name: "renamed" });
      expect(await mine()).toEqual([y, z].sort());
      await meta.updateWatchlist(b.id, lb.id, { addresses: [] });
      expect(await mine()).toEqual([z]);
      await meta.deleteWatchlist(a.id, la.id);
      expect(await mine()).toEqual([z]);
      // Another user's failed delete changes nothing.
      expect(await meta.deleteWatchlist(a.id, lb.id)).toBe(false);
      expect(await mine()).toEqual([z]);
    });

    it("jobs: owner-only reads, oldest-first claims per kind, updates", async () => {
      const [a, b] = [await newUser("job-a"), await newUser("job-b")];
      const kind = uniqueName("export");
      const params = {
        address: addressOf("x"),
        from: 1,
        to: 2,
        format: "csv",
        nested: { ü: ["🙂", null] },
      };
      const first = await meta.createJob(a.id, { kind, params });
      const second = await meta.createJob(b.id, { kind, params: {} });
      expect(first).toMatchObject({
        userId: a.id,
        kind,
        params,
        status: "queued",
        progress: 0,
        error: null,
      });
      expect(await meta.getJob(a.id, first.id)).toEqual(first);
      expect(await meta.getJob(b.id, first.id)).toBeNull();
      expect((await meta.listJobs(a.id)).map((j) => j.id)).toEqual([first.id]);
      expect((await meta.listJobs(b.id)).map((j) => j.id)).toEqual([second.id]);

      expect(await meta.claimJob(uniqueName("other-kind"))).toBeNull();
      const claimed = await meta.claimJob(kind);
      expect(claimed).toMatchObject({ id: first.id, status: "running", params });
      expect((await meta.claimJob(kind))?.id).toBe(second.id);
      expect(await meta.claimJob(kind)).toBeNull();

      await meta.updateJob(first.id, { progress: 0.5 });
      expect(await meta.getJob(a.id, first.id)).toMatchObject({
        status: "running",
        progress: 0.5,
        error: null,
      });
      await meta.updateJob(first.id, { status: "failed", error: "node answered 'nope'\u0000" });
      expect(await meta.getJob(a.id, first.id)).toMatchObject({
        status: "failed",
        progress: 0.5,
        error: "node answered 'nope'\u0000",
      });
      await meta.updateJob(first.id, { status: "done", progress: 1, error: null });
      expect(await meta.getJob(a.id, first.id)).toMatchObject({ status: "done", progress: 1, error: null });
    });

    it("concurrent claims never hand one job to two workers", async () => {
      const user = await newUser("claims");
      const kind = uniqueName("race");
      const created = [];
      for (let i = 0; i < 10; i++) created.push(await meta.createJob(user.id, { kind, params: { i } }));
      const claims = await Promise.all(Array.from({ length: 20 }, () => meta.claimJob(kind)));
      const got = claims.filter((j) => j !== null).map((j) => j!.id);
      expect(got).toHaveLength(10);
      expect(new Set(got).size).toBe(10);
      expect(new Set(got)).toEqual(new Set(created.map((j) => j.id)));
    });

    it("job results round-trip binary bodies, for their owner only", async () => {
      const [a, b] = [await newUser("res-a"), await newUser("res-b")];
      const job = await meta.createJob(a.id, { kind: uniqueName("export"), params: {} });
      const body = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(300_000),
      ]);
      await meta.putJobResult({
        jobId: job.id,
        userId: a.id,
        filename: "txs 🙂.parquet",
        contentType: "application/vnd.apache.parquet",
        body,
      });
      const result = await meta.getJobResult(a.id, job.id);
      expect(result).toMatchObject({ jobId: job.id, userId: a.id, filename: "txs 🙂.parquet" });
      expect(Buffer.compare(result!.body, body)).toBe(0);
      expect(result!.createdAt).toEqual(expect.any(Number));
      expect(await meta.getJobResult(b.id, job.id)).toBeNull();
      expect(await meta.getJobResult(a.id, "00000000-0000-4000-8000-000000000000")).toBeNull();

      const empty = await meta.createJob(a.id, { kind: "empty", params: {} });
      await meta.putJobResult({
        jobId: empty.id,
        userId: a.id,
        filename: "e.csv",
        contentType: "text/csv",
        body: Buffer.alloc(0),
      });
      expect((await meta.getJobResult(a.id, empty.id))?.body.length).toBe(0);
    });

    it("setPasswordHash replaces the stored hash of that user only", async () => {
      const [a, b] = [await newUser("rehash-a"), await newUser("rehash-b")];
      await meta.setPasswordHash(a.id, "scrypt$131072$8$1$salt$key");
      expect((await meta.getUserById(a.id))?.passwordHash).toBe("scrypt$131072$8$1$salt$key");
      expect((await meta.getUserByEmail(a.email))?.passwordHash).toBe("scrypt$131072$8$1$salt$key");
      expect((await meta.getUserById(b.id))?.passwordHash).toBe(b.passwordHash);
      await meta.setPasswordHash("00000000-0000-4000-8000-000000000000", "x");
    });

    it("watchlist quotas: lists and addresses per user, refused with nothing written, even when racing", async () => {
      const [a, b] = [await newUser("wlq-a"), await newUser("wlq-b")];
      const quota = { maxLists: 3, maxAddresses: 5 };
      const addrs = (n: number) => Array.from({ length: n }, () => addressOf(uniqueName("q")));
      const first = await meta.createWatchlist(a.id, { name: "1", addresses: addrs(2) }, quota);
      await meta.createWatchlist(a.id, { name: "2", addresses: addrs(2) }, quota);
      // 4 + 2 addresses > 5
      const tooMany = meta.createWatchlist(a.id, { name: "3", addresses: addrs(2) }, quota);
      await expect(tooMany).rejects.toBeInstanceOf(QuotaExceededError);
      await expect(tooMany).rejects.toMatchObject({ quota: "watchlist_addresses", limit: 5, used: 4 });
      await meta.createWatchlist(a.id, { name: "3", addresses: addrs(1) }, quota);
      await expect(meta.createWatchlist(a.id, { name: "4", addresses: [] }, quota)).rejects.toMatchObject({
        quota: "watchlists",
        limit: 3,
        used: 3,
      });
      expect(await meta.listWatchlists(a.id)).toHaveLength(3);
      // Growing a list counts the difference; shrinking always passes.
      await expect(
        meta.updateWatchlist(a.id, first.id, { addresses: addrs(4) }, quota),
      ).rejects.toMatchObject({ quota: "watchlist_addresses" });
      expect((await meta.getWatchlist(a.id, first.id))?.addresses).toEqual(first.addresses);
      expect(await meta.updateWatchlist(a.id, first.id, { addresses: addrs(1) }, quota)).not.toBeNull();
      expect(await meta.updateWatchlist(a.id, first.id, { addresses: addrs(2) }, quota)).not.toBeNull();
      // Another user has a quota of their own.
      await meta.createWatchlist(b.id, { name: "b", addresses: addrs(5) }, quota);
      // Without a quota nothing is checked (the processor's and migrations' writes).
      await meta.createWatchlist(a.id, { name: "free", addresses: addrs(3) });
      expect(await meta.listWatchlists(a.id)).toHaveLength(4);

      const c = await newUser("wlq-race");
      const racing = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          meta.createWatchlist(c.id, { name: `r${i}`, addresses: [] }, { maxLists: 3, maxAddresses: 10 }),
        ),
      );
      const refused = racing.filter((r) => r.status === "rejected");
      for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QuotaExceededError);
      expect(await meta.listWatchlists(c.id)).toHaveLength(8 - refused.length);
      if (options.atomicQuotas) expect(refused).toHaveLength(5);
    });

    it("job quotas: active and stored jobs per user, usage, delete with the result, result bytes", async () => {
      const [a, b] = [await newUser("jq-a"), await newUser("jq-b")];
      const kind = uniqueName("quota");
      const quota = { maxActive: 2, maxStored: 3 };
      expect(await meta.getJobUsage(a.id)).toEqual({ active: 0, stored: 0, resultBytes: 0 });
      const j1 = await meta.createJob(a.id, { kind, params: {} }, quota);
      const j2 = await meta.createJob(a.id, { kind, params: {} }, quota);
      await expect(meta.createJob(a.id, { kind, params: {} }, quota)).rejects.toMatchObject({
        quota: "jobs_active",
        limit: 2,
        used: 2,
      });
      await meta.createJob(b.id, { kind: uniqueName("other"), params: {} }, quota);
      expect((await meta.claimJob(kind))?.id).toBe(j1.id);
      await meta.updateJob(j1.id, { status: "done", progress: 1 });
      expect(await meta.getJobUsage(a.id)).toEqual({ active: 1, stored: 2, resultBytes: 0 });
      const j3 = await meta.createJob(a.id, { kind, params: {} }, quota);
      await expect(meta.createJob(a.id, { kind, params: {} }, quota)).rejects.toMatchObject({
        quota: "jobs_active",
      });
      await meta.updateJob(j2.id, { status: "cancelled" });
      await expect(meta.createJob(a.id, { kind, params: {} }, quota)).rejects.toMatchObject({
        quota: "jobs_stored",
        limit: 3,
        used: 3,
      });
      expect(await meta.listJobs(a.id)).toHaveLength(3);

      const put = (jobId: string, bytes: number, q?: { maxBytes: number }) =>
        meta.putJobResult(
          { jobId, userId: a.id, filename: "r.csv", contentType: "text/csv", body: Buffer.alloc(bytes, 7) },
          q,
        );
      await put(j1.id, 600, { maxBytes: 1000 });
      await expect(put(j3.id, 401, { maxBytes: 1000 })).rejects.toMatchObject({
        quota: "result_bytes",
        limit: 1000,
        used: 600,
      });
      expect(await meta.getJobResult(a.id, j3.id)).toBeNull();
      // Replacing a result counts only the difference.
      await put(j1.id, 900, { maxBytes: 1000 });
      expect(await meta.getJobUsage(a.id)).toEqual({ active: 1, stored: 3, resultBytes: 900 });

      // Only the owner deletes; the result goes with the job, and a later put for it stores nothing.
      expect(await meta.deleteJob(b.id, j1.id)).toBe(false);
      expect(await meta.deleteJob(a.id, j1.id)).toBe(true);
      expect(await meta.deleteJob(a.id, j1.id)).toBe(false);
      expect(await meta.getJob(a.id, j1.id)).toBeNull();
      expect(await meta.getJobResult(a.id, j1.id)).toBeNull();
      await put(j1.id, 10);
      expect(await meta.getJobResult(a.id, j1.id)).toBeNull();
      expect(await meta.getJobUsage(a.id)).toEqual({ active: 1, stored: 2, resultBytes: 0 });
      await meta.createJob(a.id, { kind, params: {} }, { maxActive: 5, maxStored: 3 });
    });

    it("deleteFinishedJobs removes finished jobs older than the cut-off with their results, nothing else", async () => {
      const user = await newUser("expiry");
      const kind = uniqueName("expiry");
      const done = await meta.createJob(user.id, { kind, params: {} });
      const queued = await meta.createJob(user.id, { kind: uniqueName("idle"), params: {} });
      await meta.claimJob(kind);
      await meta.updateJob(done.id, { status: "done", progress: 1 });
      await meta.putJobResult({
        jobId: done.id,
        userId: user.id,
        filename: "r.csv",
        contentType: "text/csv",
        body: Buffer.from("a,b\n"),
      });
      const updatedAt = (await meta.getJob(user.id, done.id))!.updatedAt;
      await meta.deleteFinishedJobs(updatedAt);
      expect(await meta.getJob(user.id, done.id)).not.toBeNull();
      expect(await meta.deleteFinishedJobs(updatedAt + 1)).toBeGreaterThanOrEqual(1);
      expect(await meta.getJob(user.id, done.id)).toBeNull();
      expect(await meta.getJobResult(user.id, done.id)).toBeNull();
      expect(await meta.getJob(user.id, queued.id)).not.toBeNull();
    });

    it("keeps one wallet per user, returned to its owner only, an address held by one user at most", async () => {
      const a = await newUser("wallet-a");
      const b = await newUser("wallet-b");
      const addressA = addressOf(uniqueName("wa")).toLowerCase();
      expect(await meta.getWallet(a.id)).toBeNull();
      expect(await meta.getWalletAddressByEmail(a.email)).toBeNull();
      const keystore = JSON.stringify({
        version: 3,
        address: addressA.slice(2),
        crypto: { hostile: "'; --" },
      });
      const w = await meta.putWallet(a.id, { address: addressA, keystore });
      expect(w).toMatchObject({ userId: a.id, address: addressA, keystore });
      expect(await meta.getWallet(a.id)).toEqual(w);
      expect(await meta.getWallet(b.id)).toBeNull();
      expect(await meta.getWalletAddressByEmail(a.email.toUpperCase())).toBe(addressA);
      expect(await meta.getWalletAddressByEmail(b.email)).toBeNull();
      // Another user cannot take the address over.
      await expect(meta.putWallet(b.id, { address: addressA, keystore: "{}" })).rejects.toBeInstanceOf(
        DuplicateError,
      );
      expect((await meta.getWallet(a.id))?.keystore).toBe(keystore);
      // A re-encrypted keystore, then a new key, replace the old one.
      const again = await meta.putWallet(a.id, { address: addressA, keystore: '{"v":2}' });
      expect(again).toMatchObject({ keystore: '{"v":2}', createdAt: w.createdAt });
      const addressB = addressOf(uniqueName("wb")).toLowerCase();
      await meta.putWallet(a.id, { address: addressB, keystore: "{}" });
      expect((await meta.getWallet(a.id))?.address).toBe(addressB);
      // The old address is free again.
      await meta.putWallet(b.id, { address: addressA, keystore: "{}" });
      expect(await meta.getWalletAddressByEmail(b.email)).toBe(addressA);
    });

    it("grants the faucet once per address and once per user, racing requests included", async () => {
      const a = await newUser("faucet-a");
      const b = await newUser("faucet-b");
      const address = addressOf(uniqueName("fa")).toLowerCase();
      const results = await Promise.all(Array.from({ length: 8 }, () => meta.claimFaucet(a.id, address)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await meta.claimFaucet(a.id, addressOf(uniqueName("fa2")).toLowerCase())).toBe(false);
      expect(await meta.claimFaucet(b.id, address)).toBe(false);
      // A grant given back (the funding failed) can be claimed again.
      await meta.releaseFaucetClaim(a.id, address);
      expect(await meta.claimFaucet(a.id, address)).toBe(true);
      // Releasing someone else's grant changes nothing.
      await meta.releaseFaucetClaim(b.id, address);
      expect(await meta.claimFaucet(b.id, address)).toBe(false);
    });

    it("stores hostile strings as plain data", async () => {
      const user = await newUser("hostile");
      const names = ["'; DROP TABLE watchlists; --", "nul\u0000byte", "ünï 🙂", "", '\\"{}'];
      for (const name of names) {
        const w = await meta.createWatchlist(user.id, { name, addresses: [] });
        expect((await meta.getWatchlist(user.id, w.id))?.name).toBe(name);
      }
      expect((await meta.listWatchlists(user.id)).map((w) => w.name).sort()).toEqual([...names].sort());
      expect(await meta.getUserByEmail("' OR 1=1 --")).toBeNull();
      expect(await meta.getWatchlist(user.id, "' OR 1=1 --")).toBeNull();
      expect(await meta.findApiKeyByHash("' OR 1=1 --")).toBeNull();
    });
  });
}
