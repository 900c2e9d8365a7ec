import { randomUUID } from "node:crypto";
import {
  type ApiKey,
  type ApiKeyScope,
  checkLeaseArgs,
  DuplicateError,
  type Job,
  type JobStatus,
  type Lease,
  type MetaStore,
  QuotaExceededError,
  type Session,
  type User,
  type Wallet,
  type Watchlist,
  type WatchlistQuota,
} from "@chainlog/ports";
import {
  fromText,
  num,
  openDatabase,
  pingHealth,
  prepareRaw,
  type Row,
  text,
  toBuffer,
  writeTransaction,
} from "./sqlite.ts";

export interface SqliteMetaStoreOptions {
  path: string;
}

/* User-supplied strings are stored as UTF-8 blobs (see `text` in sqlite.ts); ids and hashes as text. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email BLOB NOT NULL,
    email_key BLOB NOT NULL UNIQUE,
    password_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
  CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name BLOB NOT NULL,
    prefix BLOB NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS api_keys_by_user ON api_keys (user_id, created_at);
  CREATE TABLE IF NOT EXISTS watchlists (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name BLOB NOT NULL,
    addresses TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS watchlists_by_user ON watchlists (user_id, created_at);
  CREATE TABLE IF NOT EXISTS watchlist_addresses (
    address TEXT NOT NULL,
    watchlist_id TEXT NOT NULL,
    PRIMARY KEY (address, watchlist_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS watchlist_addresses_by_list ON watchlist_addresses (watchlist_id);
  CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    kind BLOB NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL,
    error BLOB,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (kind, status, seq);
  CREATE INDEX IF NOT EXISTS jobs_by_user ON jobs (user_id, seq);
  CREATE TABLE IF NOT EXISTS job_results (
    job_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    filename BLOB NOT NULL,
    content_type BLOB NOT NULL,
    body BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS job_results_by_user ON job_results (user_id);
  CREATE TABLE IF NOT EXISTS wallets (
    user_id TEXT PRIMARY KEY,
    address TEXT NOT NULL UNIQUE,
    keystore BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS faucet_claims (
    address TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE,
    claimed_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS leases (
    name BLOB PRIMARY KEY,
    holder BLOB NOT NULL,
    token INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

const JOB_STATUSES = new Set<JobStatus>(["queued", "running", "done", "failed", "cancelled"]);

const USER_COLS = "id, email, password_hash, created_at";
const KEY_COLS = "id, user_id, name, prefix, key_hash, scopes, created_at, revoked_at";
const WATCHLIST_COLS = "id, user_id, name, addresses, created_at, updated_at";
const JOB_COLS = "id, user_id, kind, params, status, progress, error, created_at, updated_at";

const toUser = (r: Row): User => ({
  id: String(r[0]),
  email: fromText(r[1]),
  passwordHash: fromText(r[2]),
  createdAt: num(r[3]),
});
const toKey = (r: Row): ApiKey => ({
  id: String(r[0]),
  userId: String(r[1]),
  name: fromText(r[2]),
  prefix: fromText(r[3]),
  keyHash: String(r[4]),
  scopes: JSON.parse(String(r[5])) as ApiKeyScope[],
  createdAt: num(r[6]),
  revokedAt: r[7] === null ? null : num(r[7]),
});
const toWatchlist = (r: Row): Watchlist => ({
  id: String(r[0]),
  userId: String(r[1]),
  name: fromText(r[2]),
  addresses: JSON.parse(String(r[3])) as string[],
  createdAt: num(r[4]),
  updatedAt: num(r[5]),
});
const WALLET_COLS = "user_id, address, keystore, created_at, updated_at";
const toWallet = (r: Row): Wallet => ({
  userId: String(r[0]),
  address: String(r[1]),
  keystore: fromText(r[2]),
  createdAt: num(r[3]),
  updatedAt: num(r[4]),
});
const toLease = (r: Row): Lease => ({
  name: fromText(r[0]),
  holder: fromText(r[1]),
  token: num(r[2]),
  expiresAt: num(r[3]),
});
const toJob = (r: Row): Job => ({
  id: String(r[0]),
  userId: String(r[1]),
  kind: fromText(r[2]),
  params: JSON.parse(String(r[3])) as Record<string, unknown>,
  status: String(r[4]) as JobStatus,
  progress: num(r[5]),
  error: r[6] === null ? null : fromText(r[6]),
  createdAt: num(r[7]),
  updatedAt: num(r[8]),
});

/** Watchlist lookups by address ignore case: a checksummed and a lower-case address are the same account. */
const addressKey = (address: string) => address.toLowerCase();
const emailKey = (email: string) => text(email.trim().toLowerCase());

/**
 * The MetaStore port on one SQLite file. Every per-user statement has the owner in its WHERE clause, so a
 * guessed id of someone else's row matches nothing.
 */
export function createSqliteMetaStore(options: SqliteMetaStoreOptions): MetaStore {
  const db = openDatabase(options.path);
  writeTransaction(db, () => db.exec(SCHEMA));

  const q = {
    insertUser: prepareRaw(
      db,
      "INSERT OR IGNORE INTO users (id, email, email_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    userByEmail: prepareRaw(db, `SELECT ${USER_COLS} FROM users WHERE email_key = ?`),
    userById: prepareRaw(db, `SELECT ${USER_COLS} FROM users WHERE id = ?`),
    setPasswordHash: prepareRaw(db, "UPDATE users SET password_hash = ? WHERE id = ?"),
    insertSession: prepareRaw(
      db,
      "INSERT OR REPLACE INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    ),
    session: prepareRaw(
      db,
      "SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
    ),
    deleteSession: prepareRaw(db, "DELETE FROM sessions WHERE token_hash = ?"),
    purgeSessions: prepareRaw(db, "DELETE FROM sessions WHERE expires_at <= ?"),
    insertKey: prepareRaw(
      db,
      `INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes, created_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
    ),
    keyByHash: prepareRaw(db, `SELECT ${KEY_COLS} FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL`),
    keysOf: prepareRaw(db, `SELECT ${KEY_COLS} FROM api_keys WHERE user_id = ? ORDER BY created_at, id`),
    revokeKey: prepareRaw(
      db,
      "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
    ),
    keyOwned: prepareRaw(db, "SELECT 1 FROM api_keys WHERE id = ? AND user_id = ?"),
    insertWatchlist: prepareRaw(
      db,
      `INSERT INTO watchlists (id, user_id, name, addresses, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    watchlistsOf: prepareRaw(
      db,
      `SELECT ${WATCHLIST_COLS} FROM watchlists WHERE user_id = ? ORDER BY created_at, id`,
    ),
    watchlist: prepareRaw(db, `SELECT ${WATCHLIST_COLS} FROM watchlists WHERE id = ? AND user_id = ?`),
    // addresses is a JSON array: json_array_length counts them without decoding rows in JavaScript.
    watchlistUsage: prepareRaw(
      db,
      "SELECT count(*), coalesce(sum(json_array_length(addresses)), 0) FROM watchlists WHERE user_id = ?",
    ),
    updateWatchlist: prepareRaw(
      db,
      "UPDATE watchlists SET name = ?, addresses = ?, updated_at = ? WHERE id = ? AND user_id = ?",
    ),
    deleteWatchlist: prepareRaw(db, "DELETE FROM watchlists WHERE id = ? AND user_id = ?"),
    indexAddress: prepareRaw(
      db,
      "INSERT OR IGNORE INTO watchlist_addresses (address, watchlist_id) VALUES (?, ?)",
    ),
    unindex: prepareRaw(db, "DELETE FROM watchlist_addresses WHERE watchlist_id = ?"),
    // Walks the (address, watchlist_id) primary key in order: distinct and sorted without a sort step.
    watchedAddresses: prepareRaw(db, "SELECT DISTINCT address FROM watchlist_addresses ORDER BY address"),
    watchlistsByAddress: prepareRaw(
      db,
      `SELECT ${WATCHLIST_COLS.replace(/(\w+)/g, "w.$1")} FROM watchlist_addresses a
       JOIN watchlists w ON w.id = a.watchlist_id WHERE a.address = ? ORDER BY w.created_at, w.id`,
    ),
    insertJob: prepareRaw(
      db,
      `INSERT INTO jobs (id, user_id, kind, params, status, progress, error, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', 0, NULL, ?, ?)`,
    ),
    job: prepareRaw(db, `SELECT ${JOB_COLS} FROM jobs WHERE id = ? AND user_id = ?`),
    jobById: prepareRaw(db, `SELECT ${JOB_COLS} FROM jobs WHERE id = ?`),
    jobsOf: prepareRaw(db, `SELECT ${JOB_COLS} FROM jobs WHERE user_id = ? ORDER BY seq DESC`),
    jobCounts: prepareRaw(
      db,
      "SELECT count(*), coalesce(sum(status IN ('queued', 'running')), 0) FROM jobs WHERE user_id = ?",
    ),
    // length() of a blob reads the record header only, not the blob.
    resultBytes: prepareRaw(db, "SELECT coalesce(sum(length(body)), 0) FROM job_results WHERE user_id = ?"),
    resultBytesOf: prepareRaw(db, "SELECT length(body) FROM job_results WHERE job_id = ?"),
    deleteJob: prepareRaw(db, "DELETE FROM jobs WHERE id = ? AND user_id = ?"),
    deleteResult: prepareRaw(db, "DELETE FROM job_results WHERE job_id = ?"),
    finishedBefore: prepareRaw(
      db,
      "SELECT id FROM jobs WHERE status IN ('done', 'failed', 'cancelled') AND updated_at < ?",
    ),
    deleteJobById: prepareRaw(db, "DELETE FROM jobs WHERE id = ?"),
    // One statement: the oldest queued job of the kind becomes running, or nothing does. SQLite runs it under
    // the write lock, so two processes claiming at once get different jobs.
    claim: prepareRaw(
      db,
      `UPDATE jobs SET status = 'running', updated_at = ?
       WHERE seq = (SELECT seq FROM jobs WHERE kind = ? AND status = 'queued' ORDER BY seq LIMIT 1)
       RETURNING ${JOB_COLS}`,
    ),
    updateJob: prepareRaw(
      db,
      "UPDATE jobs SET status = ?, progress = ?, error = ?, updated_at = ? WHERE id = ?",
    ),
    putResult: prepareRaw(
      db,
      `INSERT INTO job_results (job_id, user_id, filename, content_type, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (job_id) DO UPDATE SET filename = excluded.filename, content_type = excluded.content_type,
         body = excluded.body, created_at = excluded.created_at
       WHERE job_results.user_id = excluded.user_id`,
    ),
    result: prepareRaw(
      db,
      "SELECT job_id, user_id, filename, content_type, body, created_at FROM job_results WHERE job_id = ? AND user_id = ?",
    ),
    wallet: prepareRaw(db, `SELECT ${WALLET_COLS} FROM wallets WHERE user_id = ?`),
    walletByAddress: prepareRaw(db, "SELECT user_id FROM wallets WHERE address = ?"),
    walletAddressOfEmail: prepareRaw(
      db,
      "SELECT w.address FROM users u JOIN wallets w ON w.user_id = u.id WHERE u.email_key = ?",
    ),
    putWallet: prepareRaw(
      db,
      `INSERT INTO wallets (user_id, address, keystore, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET address = excluded.address, keystore = excluded.keystore,
         updated_at = excluded.updated_at`,
    ),
    claimFaucet: prepareRaw(
      db,
      "INSERT OR IGNORE INTO faucet_claims (address, user_id, claimed_at) VALUES (?, ?, ?)",
    ),
    releaseFaucet: prepareRaw(db, "DELETE FROM faucet_claims WHERE address = ? AND user_id = ?"),
    lease: prepareRaw(db, "SELECT name, holder, token, expires_at FROM leases WHERE name = ?"),
    putLease: prepareRaw(
      db,
      `INSERT INTO leases (name, holder, token, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = excluded.token,
         expires_at = excluded.expires_at`,
    ),
    releaseLease: prepareRaw(
      db,
      "UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ? AND expires_at > 0",
    ),
    ping: prepareRaw(db, "SELECT count(*) FROM users WHERE id = ''"),
  };

  const getWatchlist = (userId: string, id: string) => {
    const row = q.watchlist.get([id, userId]);
    return row ? toWatchlist(row) : null;
  };

  const jobUsage = (userId: string) => {
    const counts = q.jobCounts.get([userId])!;
    return {
      stored: num(counts[0]),
      active: num(counts[1]),
      resultBytes: num(q.resultBytes.get([userId])![0]),
    };
  };

  /** Lists and addresses the user would hold after the write; throws (inside the transaction) past the quota. */
  const checkWatchlists = (
    userId: string,
    quota: WatchlistQuota | undefined,
    change: { lists: number; addresses: number },
  ) => {
    if (!quota) return;
    const row = q.watchlistUsage.get([userId])!;
    const [lists, addresses] = [num(row[0]), num(row[1])];
    if (change.lists > 0 && lists + change.lists > quota.maxLists)
      throw new QuotaExceededError("watchlists", quota.maxLists, lists);
    if (change.addresses > 0 && addresses + change.addresses > quota.maxAddresses)
      throw new QuotaExceededError("watchlist_addresses", quota.maxAddresses, addresses);
  };

  const indexAddresses = (id: string, addresses: string[]) => {
    q.unindex.run([id]);
    for (const a of addresses) q.indexAddress.run([addressKey(a), id]);
  };

  return {
    async migrate() {
      writeTransaction(db, () => db.exec(SCHEMA));
    },

    async createUser({ email, passwordHash }) {
      const user: User = { id: randomUUID(), email, passwordHash, createdAt: Date.now() };
      const { changes } = writeTransaction(db, () =>
        q.insertUser.run([user.id, text(email), emailKey(email), text(passwordHash), user.createdAt]),
      );
      if (changes === 0) throw new DuplicateError("e-mail address already registered");
      return user;
    },

    async getUserByEmail(email) {
      const row = q.userByEmail.get([emailKey(email)]);
      return row ? toUser(row) : null;
    },

    async getUserById(id) {
      const row = q.userById.get([id]);
      return row ? toUser(row) : null;
    },

    async setPasswordHash(userId, passwordHash) {
      writeTransaction(db, () => q.setPasswordHash.run([text(passwordHash), userId]));
    },

    async createSession(s: Session) {
      writeTransaction(db, () => {
        // Expired sessions are swept as new ones arrive, so the table does not grow without bound.
        q.purgeSessions.run([Date.now()]);
        q.insertSession.run([s.tokenHash, s.userId, s.createdAt, s.expiresAt]);
      });
    },

    async getSession(tokenHash, now) {
      const r = q.session.get([tokenHash, now]);
      return r
        ? { tokenHash: String(r[0]), userId: String(r[1]), createdAt: num(r[2]), expiresAt: num(r[3]) }
        : null;
    },

    async deleteSession(tokenHash) {
      writeTransaction(db, () => q.deleteSession.run([tokenHash]));
    },

    async createApiKey(input) {
      const key: ApiKey = {
        ...input,
        scopes: [...input.scopes],
        id: randomUUID(),
        createdAt: Date.now(),
        revokedAt: null,
      };
      try {
        writeTransaction(db, () =>
          q.insertKey.run([
            key.id,
            key.userId,
            text(key.name),
            text(key.prefix),
            key.keyHash,
            JSON.stringify(key.scopes),
            key.createdAt,
          ]),
        );
      } catch (error) {
        if (String((error as Error).message).includes("UNIQUE"))
          throw new DuplicateError("API key hash already exists");
        throw error;
      }
      return key;
    },

    async findApiKeyByHash(keyHash) {
      const row = q.keyByHash.get([keyHash]);
      return row ? toKey(row) : null;
    },

    async listApiKeys(userId) {
      return q.keysOf.all([userId]).map(toKey);
    },

    async revokeApiKey(userId, id) {
      return writeTransaction(db, () => {
        if (!q.keyOwned.get([id, userId])) return false;
        q.revokeKey.run([Date.now(), id, userId]);
        return true;
      });
    },

    async createWatchlist(userId, { name, addresses }, quota) {
      const now = Date.now();
      const w: Watchlist = {
        id: randomUUID(),
        userId,
        name,
        addresses: [...addresses],
        createdAt: now,
        updatedAt: now,
      };
      writeTransaction(db, () => {
        checkWatchlists(userId, quota, { lists: 1, addresses: w.addresses.length });
        q.insertWatchlist.run([w.id, userId, text(name), JSON.stringify(w.addresses), now, now]);
        indexAddresses(w.id, w.addresses);
      });
      return w;
    },

    async listWatchlists(userId) {
      return q.watchlistsOf.all([userId]).map(toWatchlist);
    },

    async getWatchlist(userId, id) {
      return getWatchlist(userId, id);
    },

    async updateWatchlist(userId, id, patch, quota) {
      return writeTransaction(db, () => {
        const current = getWatchlist(userId, id);
        if (!current) return null;
        if (patch.addresses)
          checkWatchlists(userId, quota, {
            lists: 0,
            addresses: patch.addresses.length - current.addresses.length,
          });
        const next: Watchlist = {
          ...current,
          name: patch.name ?? current.name,
          addresses: patch.addresses ? [...patch.addresses] : current.addresses,
          updatedAt: Math.max(Date.now(), current.updatedAt),
        };
        q.updateWatchlist.run([text(next.name), JSON.stringify(next.addresses), next.updatedAt, id, userId]);
        if (patch.addresses) indexAddresses(id, next.addresses);
        return next;
      });
    },

    async deleteWatchlist(userId, id) {
      return writeTransaction(db, () => {
        const { changes } = q.deleteWatchlist.run([id, userId]);
        if (changes > 0) q.unindex.run([id]);
        return changes > 0;
      });
    },

    async findWatchlistsByAddress(address) {
      return q.watchlistsByAddress.all([addressKey(address)]).map(toWatchlist);
    },

    async listWatchedAddresses() {
      return q.watchedAddresses.all().map((r) => String(r[0]));
    },

    async createJob(userId, { kind, params }, quota) {
      const now = Date.now();
      const job: Job = {
        id: randomUUID(),
        userId,
        kind,
        params: JSON.parse(JSON.stringify(params)) as Record<string, unknown>,
        status: "queued",
        progress: 0,
        error: null,
        createdAt: now,
        updatedAt: now,
      };
      writeTransaction(db, () => {
        if (quota) {
          const usage = jobUsage(userId);
          if (usage.active >= quota.maxActive)
            throw new QuotaExceededError("jobs_active", quota.maxActive, usage.active);
          if (usage.stored >= quota.maxStored)
            throw new QuotaExceededError("jobs_stored", quota.maxStored, usage.stored);
        }
        q.insertJob.run([job.id, userId, text(kind), JSON.stringify(params), now, now]);
      });
      return job;
    },

    async getJobUsage(userId) {
      return jobUsage(userId);
    },

    async deleteJob(userId, id) {
      return writeTransaction(db, () => {
        const { changes } = q.deleteJob.run([id, userId]);
        if (changes > 0) q.deleteResult.run([id]);
        return changes > 0;
      });
    },

    async deleteFinishedJobs(updatedBefore) {
      return writeTransaction(db, () => {
        const ids = q.finishedBefore.all([updatedBefore]).map((r) => String(r[0]));
        for (const id of ids) {
          q.deleteJobById.run([id]);
          q.deleteResult.run([id]);
        }
        return ids.length;
      });
    },

    async getJob(userId, id) {
      const row = q.job.get([id, userId]);
      return row ? toJob(row) : null;
    },

    async listJobs(userId) {
      return q.jobsOf.all([userId]).map(toJob);
    },

    async claimJob(kind) {
      const row = writeTransaction(db, () => q.claim.get([Date.now(), text(kind)]));
      return row ? toJob(row) : null;
    },

    async updateJob(id, patch) {
      if (patch.status !== undefined && !JOB_STATUSES.has(patch.status))
        throw new RangeError(`unknown job status ${JSON.stringify(patch.status)}`);
      if (patch.progress !== undefined && !(patch.progress >= 0 && patch.progress <= 1))
        throw new RangeError("job progress must be between 0 and 1");
      writeTransaction(db, () => {
        const row = q.jobById.get([id]);
        if (!row) return;
        const job = toJob(row);
        const error = patch.error === undefined ? job.error : patch.error;
        q.updateJob.run([
          patch.status ?? job.status,
          patch.progress ?? job.progress,
          error === null ? null : text(error),
          Math.max(Date.now(), job.updatedAt),
          id,
        ]);
      });
    },

    async putJobResult(result, quota) {
      writeTransaction(db, () => {
        const job = q.job.get([result.jobId, result.userId]);
        if (!job) return;
        if (quota) {
          const used = num(q.resultBytes.get([result.userId])![0]);
          const replaced = num(q.resultBytesOf.get([result.jobId])?.[0] ?? 0);
          if (used - replaced + result.body.length > quota.maxBytes)
            throw new QuotaExceededError("result_bytes", quota.maxBytes, used);
        }
        q.putResult.run([
          result.jobId,
          result.userId,
          text(result.filename),
          text(result.contentType),
          result.body,
          Date.now(),
        ]);
      });
    },

    async getJobResult(userId, jobId) {
      const r = q.result.get([jobId, userId]);
      return r
        ? {
            jobId: String(r[0]),
            userId: String(r[1]),
            filename: fromText(r[2]),
            contentType: fromText(r[3]),
            body: toBuffer(r[4]),
            createdAt: num(r[5]),
          }
        : null;
    },

    async putWallet(userId, { address, keystore }) {
      const key = addressKey(address);
      const now = Date.now();
      return writeTransaction(db, () => {
        const holder = q.walletByAddress.get([key]);
        if (holder && String(holder[0]) !== userId)
          throw new DuplicateError("this address is another user's wallet");
        q.putWallet.run([userId, key, text(keystore), now, now]);
        return toWallet(q.wallet.get([userId])!);
      });
    },

    async getWallet(userId) {
      const row = q.wallet.get([userId]);
      return row ? toWallet(row) : null;
    },

    async getWalletAddressByEmail(email) {
      const row = q.walletAddressOfEmail.get([emailKey(email)]);
      return row ? String(row[0]) : null;
    },

    async claimFaucet(userId, address) {
      const { changes } = writeTransaction(db, () =>
        q.claimFaucet.run([addressKey(address), userId, Date.now()]),
      );
      return changes > 0;
    },

    async releaseFaucetClaim(userId, address) {
      writeTransaction(db, () => q.releaseFaucet.run([addressKey(address), userId]));
    },

    // Each lease step reads and writes under SQLite's write lock (BEGIN IMMEDIATE): processes sharing the file
    // see one order of acquisitions, so two takers of a free lease never both get it.
    async acquireLease(name, holder, ttlMs) {
      checkLeaseArgs(name, holder, ttlMs);
      return writeTransaction(db, () => {
        const now = Date.now();
        const row = q.lease.get([text(name)]);
        const current = row ? toLease(row) : null;
        const live = current !== null && current.expiresAt > now;
        if (live && current.holder !== holder) return null;
        const lease: Lease = {
          name,
          holder,
          token: live ? current.token : (current?.token ?? 0) + 1,
          expiresAt: now + ttlMs,
        };
        q.putLease.run([text(name), text(holder), lease.token, lease.expiresAt]);
        return lease;
      });
    },

    async renewLease(lease, ttlMs) {
      checkLeaseArgs(lease.name, lease.holder, ttlMs);
      return writeTransaction(db, () => {
        const now = Date.now();
        const row = q.lease.get([text(lease.name)]);
        const current = row ? toLease(row) : null;
        if (!current || current.holder !== lease.holder || current.token !== lease.token) return null;
        if (current.expiresAt <= now) return null;
        const renewed: Lease = { ...current, expiresAt: now + ttlMs };
        q.putLease.run([text(lease.name), text(lease.holder), lease.token, renewed.expiresAt]);
        return renewed;
      });
    },

    async releaseLease(lease) {
      checkLeaseArgs(lease.name, lease.holder);
      writeTransaction(db, () => q.releaseLease.run([text(lease.name), text(lease.holder), lease.token]));
    },

    async getLease(name) {
      checkLeaseArgs(name, "-");
      const row = q.lease.get([text(name)]);
      return row ? toLease(row) : null;
    },

    async health() {
      return pingHealth(() => q.ping.get());
    },

    async close() {
      if (db.open) db.close();
    },
  };
}
