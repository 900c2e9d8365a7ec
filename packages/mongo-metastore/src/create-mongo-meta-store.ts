import { randomUUID } from "node:crypto";
import {
  type AdapterLogger,
  type ApiKey,
  type ApiKeyScope,
  DuplicateError,
  type Job,
  type JobResult,
  type JobStatus,
  type MetaStore,
  QuotaExceededError,
  type Session,
  type User,
  type Wallet,
  type Watchlist,
  type WatchlistQuota,
} from "@chainlog/ports";
import { ChainlogError } from "@chainlog/tx-schema";
import { Binary, type Collection, type Document, MongoClient, MongoServerError, type Sort } from "mongodb";
import { MetaStoreClosedError } from "./errors.ts";
import { createMongoLeases } from "./leases.ts";
import { migrate } from "./migrate.ts";
import { str, validate } from "./schemas.ts";

export interface MongoMetaStoreParameters {
  /** mongodb://… ; the database is the URL's path, else `database`, else "chainlog". */
  url: string;
  database?: string;
  /** The service's logger: the driver's lost and regained servers are written to it. */
  logger: AdapterLogger;
}

const JobStatuses = new Set<JobStatus>(["queued", "running", "done", "failed", "cancelled"]);
const emailKey = (email: string) => email.trim().toLowerCase();
const addressKey = (address: string) => address.toLowerCase();

type Doc = Document & { _id: string };

const toUser = (d: Doc): User => ({
  id: d._id,
  email: d.email,
  passwordHash: d.passwordHash,
  createdAt: d.createdAt,
});
const toKey = (d: Doc): ApiKey => ({
  id: d._id,
  userId: d.userId,
  name: d.name,
  prefix: d.prefix,
  keyHash: d.keyHash,
  scopes: d.scopes as ApiKeyScope[],
  createdAt: d.createdAt,
  revokedAt: d.revokedAt ?? null,
});
const toWatchlist = (d: Doc): Watchlist => ({
  id: d._id,
  userId: d.userId,
  name: d.name,
  addresses: d.addresses,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});
const toWallet = (d: Doc): Wallet => ({
  userId: d._id,
  address: d.address,
  keystore: d.keystore,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});
const toJob = (d: Doc): Job => ({
  id: d._id,
  userId: d.userId,
  kind: d.kind,
  // params travel as JSON text: user keys like "$where" or "a.b" can never become operators or paths
  params: JSON.parse(d.params) as Record<string, unknown>,
  status: d.status,
  progress: d.progress,
  error: d.error ?? null,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

/** The URL's path names the database; without one, "chainlog" (the driver would pick "test"). */
export function databaseOf(url: string): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(url)?.[1];
  return path ? decodeURIComponent(path) : "chainlog";
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/** A server lost (with the driver's error) and found again; the heartbeats in between stay quiet. */
function logServerChanges(client: MongoClient, logger: AdapterLogger): void {
  client.on("serverDescriptionChanged", (event) => {
    const was = event.previousDescription.error;
    const now = event.newDescription.error;
    if (now && !was) logger.warn({ server: event.address, err: now }, "MongoDB server unreachable");
    else if (was && !now) logger.info({ server: event.address }, "MongoDB server reachable again");
  });
}

/**
 * The MetaStore port on a MongoDB-wire server (MongoDB, or FerretDB 1.x, which has no transactions, sessions
 * or change streams; nothing here uses them). Every filter is built from typed scalars, never from caller objects.
 */
export function createMongoMetaStore(params: MongoMetaStoreParameters): MetaStore {
  const logger = params.logger;
  const client = new MongoClient(params.url, {
    serverSelectionTimeoutMS: 15_000,
    // FerretDB has no retryable-write sessions
    retryWrites: false,
  });
  logServerChanges(client, logger);
  const db = client.db(params.database ?? databaseOf(params.url));
  const col = (name: string) => db.collection<Doc>(name);
  const users = col("users");
  const sessions = col("sessions");
  const apiKeys = col("api_keys");
  const watchlists = col("watchlists");
  const jobs = col("jobs");
  const jobResults = col("job_results");
  const jobClaims = col("job_claims");
  const wallets = col("wallets");
  const faucetClaims = col("faucet_claims");
  const counters = db.collection<{ _id: string; n: number }>("counters");
  let closed = false;
  let ready: Promise<void> | undefined;
  let serverValidated: string[] = [];

  const open = async () => {
    if (closed) throw new MetaStoreClosedError();
    ready ??= (async () => {
      await client.connect();
      serverValidated = (await migrate(db, logger)).serverValidated;
    })();
    ready.catch(() => {
      ready = undefined;
    });
    await ready;
  };

  /** A user's documents in `c`, in `sort` order. */
  const ownedBy = async (c: Collection<Doc>, userId: string, sort: Sort) => {
    await open();
    return c
      .find({ userId: str("userId", userId) })
      .sort(sort)
      .toArray();
  };

  /** Validates and inserts `doc`; with `duplicate`, a unique-key clash is a DuplicateError saying it. */
  const insert = async (c: Collection<Doc>, doc: Doc, duplicate?: string) => {
    validate(c.collectionName, doc);
    try {
      await c.insertOne(doc);
    } catch (error) {
      if (duplicate !== undefined && isDuplicateKey(error)) throw new DuplicateError(duplicate);
      throw error;
    }
  };

  const nextSeq = async (name: string): Promise<number> => {
    const doc = await counters.findOneAndUpdate(
      { _id: name },
      { $inc: { n: 1 } },
      { upsert: true, returnDocument: "after" },
    );
    if (!doc) throw new ChainlogError(`counter ${name} did not return a value`);
    return doc.n;
  };

  /*
   * Quotas here are a check, then the write: MongoDB-wire servers without transactions (FerretDB 1.x) cannot do
   * both as one step, so requests racing on several query-api instances may pass a quota by the number racing.
   */
  const watchlistUsage = async (userId: string) => {
    const docs = await watchlists.find({ userId }, { projection: { addressKeys: 0, name: 0 } }).toArray();
    return {
      lists: docs.length,
      addresses: docs.reduce((n, d) => n + (d.addresses as string[]).length, 0),
    };
  };
  const checkWatchlists = async (
    userId: string,
    quota: WatchlistQuota | undefined,
    change: { lists: number; addresses: number },
  ) => {
    if (!quota) return;
    const { lists, addresses } = await watchlistUsage(userId);
    if (change.lists > 0 && lists + change.lists > quota.maxLists)
      throw new QuotaExceededError("watchlists", quota.maxLists, lists);
    if (change.addresses > 0 && addresses + change.addresses > quota.maxAddresses)
      throw new QuotaExceededError("watchlist_addresses", quota.maxAddresses, addresses);
  };
  const resultBytes = async (userId: string): Promise<number> => {
    const docs = await jobResults.find({ userId }, { projection: { size: 1 } }).toArray();
    let total = 0;
    for (const d of docs) {
      if (typeof d.size === "number") total += d.size;
      else {
        // results written before sizes were kept
        const full = await jobResults.findOne({ _id: d._id });
        total += full ? (full.body as Binary).length() : 0;
      }
    }
    return total;
  };
  const jobUsage = async (userId: string) => {
    const [stored, active, bytes] = await Promise.all([
      jobs.countDocuments({ userId }),
      jobs.countDocuments({ userId, status: { $in: ["queued", "running"] } }),
      resultBytes(userId),
    ]);
    return { stored, active, resultBytes: bytes };
  };

  return {
    ...createMongoLeases(db.collection("leases"), open),

    async migrate() {
      await open();
    },

    async createUser(input) {
      await open();
      const email = str("email", input.email);
      const user: User = {
        id: randomUUID(),
        email,
        passwordHash: str("passwordHash", input.passwordHash),
        createdAt: Date.now(),
      };
      await insert(
        users,
        {
          _id: user.id,
          email,
          emailKey: emailKey(email),
          passwordHash: user.passwordHash,
          createdAt: user.createdAt,
        },
        "e-mail address already registered",
      );
      return user;
    },

    async getUserByEmail(email) {
      await open();
      const d = await users.findOne({ emailKey: emailKey(str("email", email)) });
      return d ? toUser(d) : null;
    },

    async getUserById(id) {
      await open();
      const d = await users.findOne({ _id: str("id", id) });
      return d ? toUser(d) : null;
    },

    async setPasswordHash(userId, passwordHash) {
      await open();
      const set = { passwordHash: str("passwordHash", passwordHash) };
      validate("users", set, true);
      await users.updateOne({ _id: str("userId", userId) }, { $set: set });
    },

    async createSession(s: Session) {
      await open();
      const doc: Doc = {
        _id: str("tokenHash", s.tokenHash),
        userId: str("userId", s.userId),
        createdAt: s.createdAt,
        expiresAt: s.expiresAt,
        expiresAtDate: new Date(s.expiresAt),
      };
      validate("sessions", doc);
      // expired sessions are swept as new ones arrive, also where the server has no TTL monitor
      await sessions.deleteMany({ expiresAt: { $lte: Date.now() } });
      await sessions.replaceOne({ _id: doc._id }, doc, { upsert: true });
    },

    async getSession(tokenHash, now) {
      await open();
      const d = await sessions.findOne({ _id: str("tokenHash", tokenHash), expiresAt: { $gt: now } });
      return d
        ? { tokenHash: d._id, userId: d.userId, createdAt: d.createdAt, expiresAt: d.expiresAt }
        : null;
    },

    async deleteSession(tokenHash) {
      await open();
      await sessions.deleteOne({ _id: str("tokenHash", tokenHash) });
    },

    async createApiKey(input) {
      await open();
      const key: ApiKey = {
        ...input,
        scopes: [...input.scopes],
        id: randomUUID(),
        createdAt: Date.now(),
        revokedAt: null,
      };
      await insert(
        apiKeys,
        {
          _id: key.id,
          userId: str("userId", key.userId),
          name: key.name,
          prefix: key.prefix,
          keyHash: str("keyHash", key.keyHash),
          scopes: key.scopes,
          createdAt: key.createdAt,
          revokedAt: null,
        },
        "API key hash already exists",
      );
      return key;
    },

    async findApiKeyByHash(keyHash) {
      await open();
      const d = await apiKeys.findOne({ keyHash: str("keyHash", keyHash), revokedAt: null });
      return d ? toKey(d) : null;
    },

    async listApiKeys(userId) {
      return (await ownedBy(apiKeys, userId, { createdAt: 1, _id: 1 })).map(toKey);
    },

    async revokeApiKey(userId, id) {
      await open();
      const filter = { _id: str("id", id), userId: str("userId", userId) };
      const owned = await apiKeys.findOne(filter);
      if (!owned) return false;
      await apiKeys.updateOne({ ...filter, revokedAt: null }, { $set: { revokedAt: Date.now() } });
      return true;
    },

    async createWatchlist(userId, input, quota) {
      await open();
      await checkWatchlists(str("userId", userId), quota, { lists: 1, addresses: input.addresses.length });
      const now = Date.now();
      const w: Watchlist = {
        id: randomUUID(),
        userId: str("userId", userId),
        name: input.name,
        addresses: [...input.addresses],
        createdAt: now,
        updatedAt: now,
      };
      await insert(watchlists, {
        _id: w.id,
        userId: w.userId,
        name: w.name,
        addresses: w.addresses,
        addressKeys: [...new Set(w.addresses.map(addressKey))],
        createdAt: now,
        updatedAt: now,
      });
      return w;
    },

    async listWatchlists(userId) {
      return (await ownedBy(watchlists, userId, { createdAt: 1, _id: 1 })).map(toWatchlist);
    },

    async getWatchlist(userId, id) {
      await open();
      const d = await watchlists.findOne({ _id: str("id", id), userId: str("userId", userId) });
      return d ? toWatchlist(d) : null;
    },

    async updateWatchlist(userId, id, patch, quota) {
      await open();
      const filter = { _id: str("id", id), userId: str("userId", userId) };
      const current = await watchlists.findOne(filter);
      if (!current) return null;
      if (patch.addresses)
        await checkWatchlists(filter.userId, quota, {
          lists: 0,
          addresses: patch.addresses.length - (current.addresses as string[]).length,
        });
      const set: Record<string, unknown> = { updatedAt: Math.max(Date.now(), current.updatedAt as number) };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.addresses !== undefined) {
        set.addresses = [...patch.addresses];
        set.addressKeys = [...new Set(patch.addresses.map((a) => addressKey(str("address", a))))];
      }
      validate("watchlists", set, true);
      const d = await watchlists.findOneAndUpdate(filter, { $set: set }, { returnDocument: "after" });
      return d ? toWatchlist(d) : null;
    },

    async deleteWatchlist(userId, id) {
      await open();
      const r = await watchlists.deleteOne({ _id: str("id", id), userId: str("userId", userId) });
      return r.deletedCount > 0;
    },

    async findWatchlistsByAddress(address) {
      await open();
      const docs = await watchlists
        .find({ addressKeys: addressKey(str("address", address)) })
        .sort({ createdAt: 1, _id: 1 })
        .toArray();
      return docs.map(toWatchlist);
    },

    async listWatchedAddresses() {
      await open();
      // addressKeys are already lower case and de-duplicated per list; distinct() merges the multikey index
      const keys = await watchlists.distinct("addressKeys");
      return [...new Set(keys.filter((k): k is string => typeof k === "string"))].sort();
    },

    async createJob(userId, input, quota) {
      await open();
      if (quota) {
        const usage = await jobUsage(str("userId", userId));
        if (usage.active >= quota.maxActive)
          throw new QuotaExceededError("jobs_active", quota.maxActive, usage.active);
        if (usage.stored >= quota.maxStored)
          throw new QuotaExceededError("jobs_stored", quota.maxStored, usage.stored);
      }
      const now = Date.now();
      const paramsJson = JSON.stringify(input.params);
      const job: Job = {
        id: randomUUID(),
        userId: str("userId", userId),
        kind: str("kind", input.kind),
        params: JSON.parse(paramsJson) as Record<string, unknown>,
        status: "queued",
        progress: 0,
        error: null,
        createdAt: now,
        updatedAt: now,
      };
      await insert(jobs, {
        _id: job.id,
        seq: await nextSeq("jobs"),
        claims: 0,
        userId: job.userId,
        kind: job.kind,
        params: paramsJson,
        status: "queued",
        progress: 0,
        error: null,
        createdAt: now,
        updatedAt: now,
      });
      return job;
    },

    async getJobUsage(userId) {
      await open();
      return jobUsage(str("userId", userId));
    },

    async deleteJob(userId, id) {
      await open();
      const r = await jobs.deleteOne({ _id: str("id", id), userId: str("userId", userId) });
      if (r.deletedCount === 0) return false;
      await jobResults.deleteOne({ _id: id });
      return true;
    },

    async deleteFinishedJobs(updatedBefore) {
      await open();
      const finished = await jobs
        .find(
          { status: { $in: ["done", "failed", "cancelled"] }, updatedAt: { $lt: updatedBefore } },
          { projection: { _id: 1 } },
        )
        .toArray();
      const ids = finished.map((d) => d._id);
      if (ids.length === 0) return 0;
      await jobs.deleteMany({ _id: { $in: ids } });
      await jobResults.deleteMany({ _id: { $in: ids } });
      return ids.length;
    },

    async getJob(userId, id) {
      await open();
      const d = await jobs.findOne({ _id: str("id", id), userId: str("userId", userId) });
      return d ? toJob(d) : null;
    },

    async listJobs(userId) {
      return (await ownedBy(jobs, userId, { seq: -1, _id: -1 })).map(toJob);
    },

    async claimJob(kind) {
      await open();
      const k = str("kind", kind);
      // FerretDB 1.x runs findAndModify as a read then a write, so two workers can flip the same job. A unique
      // _id insert is atomic on every MongoDB-wire server: the worker whose claim row goes in owns the job.
      for (;;) {
        const candidates = await jobs
          .find({ kind: k, status: "queued" })
          .sort({ seq: 1, _id: 1 })
          .limit(32)
          .toArray();
        if (candidates.length === 0) return null;
        for (const job of candidates) {
          const claim = { _id: `${job._id}:${job.claims as number}`, jobId: job._id, claimedAt: Date.now() };
          try {
            await insert(jobClaims, claim);
          } catch (error) {
            if (isDuplicateKey(error)) continue;
            throw error;
          }
          const updatedAt = Math.max(Date.now(), job.updatedAt as number);
          await jobs.updateOne(
            { _id: job._id },
            { $set: { status: "running", updatedAt }, $inc: { claims: 1 } },
          );
          return toJob({ ...job, status: "running", updatedAt });
        }
      }
    },

    async updateJob(id, patch) {
      await open();
      if (patch.status !== undefined && !JobStatuses.has(patch.status))
        throw new RangeError(`unknown job status ${JSON.stringify(patch.status)}`);
      if (patch.progress !== undefined && !(patch.progress >= 0 && patch.progress <= 1))
        throw new RangeError("job progress must be between 0 and 1");
      const current = await jobs.findOne({ _id: str("id", id) });
      if (!current) return;
      const set: Record<string, unknown> = { updatedAt: Math.max(Date.now(), current.updatedAt as number) };
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.progress !== undefined) set.progress = patch.progress;
      if (patch.error !== undefined) set.error = patch.error;
      validate("jobs", set, true);
      await jobs.updateOne({ _id: current._id }, { $set: set });
    },

    async putJobResult(result: Omit<JobResult, "createdAt">, quota?: { maxBytes: number }) {
      await open();
      const owner = { _id: str("jobId", result.jobId), userId: str("userId", result.userId) };
      if (!(await jobs.findOne(owner, { projection: { _id: 1 } }))) return;
      if (quota) {
        const used = await resultBytes(owner.userId);
        const previous = await jobResults.findOne(owner, { projection: { size: 1 } });
        const replaced = typeof previous?.size === "number" ? previous.size : 0;
        if (used - replaced + result.body.length > quota.maxBytes)
          throw new QuotaExceededError("result_bytes", quota.maxBytes, used);
      }
      const doc: Doc = {
        _id: str("jobId", result.jobId),
        userId: str("userId", result.userId),
        filename: result.filename,
        contentType: result.contentType,
        body: new Binary(result.body),
        size: result.body.length,
        createdAt: Date.now(),
      };
      validate("job_results", { ...doc, body: result.body });
      // a result belongs to its owner: another user's put for the same job id changes nothing
      const existing = await jobResults.findOne({ _id: doc._id });
      if (existing && existing.userId !== doc.userId) return;
      try {
        await jobResults.replaceOne({ _id: doc._id, userId: doc.userId }, doc, { upsert: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async getJobResult(userId, jobId) {
      await open();
      const d = await jobResults.findOne({ _id: str("jobId", jobId), userId: str("userId", userId) });
      if (!d) return null;
      const body = d.body as Binary;
      return {
        jobId: d._id,
        userId: d.userId,
        filename: d.filename,
        contentType: d.contentType,
        body: Buffer.from(body.buffer),
        createdAt: d.createdAt,
      };
    },

    async putWallet(userId, input) {
      await open();
      const owner = str("userId", userId);
      const address = addressKey(str("address", input.address));
      const now = Date.now();
      const holder = await wallets.findOne({ address }, { projection: { _id: 1 } });
      if (holder && holder._id !== owner) throw new DuplicateError("this address is another user's wallet");
      const current = await wallets.findOne({ _id: owner });
      const doc: Doc = {
        _id: owner,
        address,
        keystore: str("keystore", input.keystore),
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
      };
      validate("wallets", doc);
      try {
        await wallets.replaceOne({ _id: owner }, doc, { upsert: true });
      } catch (error) {
        // the unique address index settles a race with another user taking the same address
        if (isDuplicateKey(error)) throw new DuplicateError("this address is another user's wallet");
        throw error;
      }
      return toWallet(doc);
    },

    async getWallet(userId) {
      await open();
      const d = await wallets.findOne({ _id: str("userId", userId) });
      return d ? toWallet(d) : null;
    },

    async getWalletAddressByEmail(email) {
      await open();
      const user = await users.findOne(
        { emailKey: emailKey(str("email", email)) },
        { projection: { _id: 1 } },
      );
      if (!user) return null;
      const d = await wallets.findOne({ _id: user._id }, { projection: { address: 1 } });
      return d ? (d.address as string) : null;
    },

    async claimFaucet(userId, address) {
      await open();
      try {
        await insert(faucetClaims, {
          _id: addressKey(str("address", address)),
          userId: str("userId", userId),
          claimedAt: Date.now(),
        });
        return true;
      } catch (error) {
        // unique _id (the address) and unique userId: either granted before
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    async releaseFaucetClaim(userId, address) {
      await open();
      await faucetClaims.deleteOne({
        _id: addressKey(str("address", address)),
        userId: str("userId", userId),
      });
    },

    async health() {
      try {
        await open();
        await db.command({ ping: 1 });
        return {
          ok: true,
          detail:
            serverValidated.length > 0 ? "server-side $jsonSchema validation on" : "adapter-side validation",
        };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
