import { enginesForFile } from "@chainlog/engines/vitest";
import { DuplicateError, type MetaStore } from "@chainlog/ports";
import { describeMetaStoreContract } from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMongoMetaStore } from "./create-mongo-meta-store.ts";
import { InvalidDocumentError } from "./errors.ts";

const logger = createLogger("mongo-metastore-test", process.env.TEST_LOG_LEVEL ?? "silent");

let databases = 0;
const freshDatabase = () => `chainlog_test_${process.pid}_${Date.now().toString(36)}_${databases++}`;

const engines = enginesForFile(["mongo"]);

const open = (database = freshDatabase()) =>
  createMongoMetaStore({ logger, url: engines.mongoUrl, database });

describeMetaStoreContract(
  "MongoMetaStore",
  async () => {
    const store = open();
    // FerretDB has no transactions: a quota is a check, then the write.
    return { meta: store, cleanup: () => store.close() };
  },
  { atomicQuotas: false },
);

describe("MongoMetaStore specifics", () => {
  let store: MetaStore;
  let database: string;

  beforeAll(async () => {
    database = freshDatabase();
    store = open(database);
    await store.migrate();
  }, 120_000);

  afterAll(async () => {
    await store?.close();
  });

  it("migrate is idempotent, also when several processes start at once", async () => {
    const others = [open(database), open(database)];
    await Promise.all([store.migrate(), ...others.map((s) => s.migrate())]);
    await Promise.all(others.map((s) => s.close()));
    expect((await store.health()).ok).toBe(true);
  }, 60_000);

  it("treats operator objects from callers as data errors, never as filters", async () => {
    const user = await store.createUser({ email: "victim@example.com", passwordHash: "h" });
    const hostile = { $ne: null } as unknown as string;
    await expect(store.getUserByEmail(hostile)).rejects.toThrow(TypeError);
    await expect(store.getUserById(hostile)).rejects.toThrow(TypeError);
    await expect(store.findApiKeyByHash(hostile)).rejects.toThrow(TypeError);
    await expect(store.getSession(hostile, 0)).rejects.toThrow(TypeError);
    await expect(store.listWatchlists(hostile)).rejects.toThrow(TypeError);
    await expect(store.getJob(user.id, hostile)).rejects.toThrow(TypeError);
    // job params with operator-looking keys are stored and returned as plain data
    const job = await store.createJob(user.id, {
      kind: "export",
      params: { $where: "1", "a.b": { $gt: 1 } },
    });
    expect((await store.getJob(user.id, job.id))?.params).toEqual({ $where: "1", "a.b": { $gt: 1 } });
  });

  it("refuses a document that does not fit its collection's schema, and writes nothing", async () => {
    const before = await store.getUserByEmail("typed@example.com");
    expect(before).toBeNull();
    await expect(
      store.createUser({ email: "typed@example.com", passwordHash: 42 as unknown as string }),
    ).rejects.toThrow(TypeError);
    await expect(
      store.createWatchlist((await store.createUser({ email: "w@example.com", passwordHash: "h" })).id, {
        name: 7 as unknown as string,
        addresses: [],
      }),
    ).rejects.toBeInstanceOf(InvalidDocumentError);
    expect(await store.getUserByEmail("typed@example.com")).toBeNull();
  });

  it("e-mail uniqueness holds under concurrent sign-ups", async () => {
    const results = await Promise.allSettled(
      ["Race@Example.com", "race@example.com", "RACE@example.com ", "race@EXAMPLE.com"].map((email) =>
        store.createUser({ email, passwordHash: "h" }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(DuplicateError);
  });

  it("claimJob hands each queued job to exactly one of many concurrent workers, oldest first", async () => {
    const user = await store.createUser({ email: "jobs@example.com", passwordHash: "h" });
    const kind = `claim-${Date.now()}`;
    const created = [];
    for (let i = 0; i < 12; i++) created.push(await store.createJob(user.id, { kind, params: { i } }));
    const workers = [open(database), open(database), open(database)];
    try {
      const claimed = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (workers[i % 3] as MetaStore).claimJob(kind)),
      );
      const ids = claimed.filter((j) => j !== null).map((j) => j.id);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      expect(new Set(ids)).toEqual(new Set(created.map((j) => j.id)));
      expect(await store.claimJob(kind)).toBeNull();
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  }, 60_000);

  it("keeps API keys hashed with a unique index, and sessions expire", async () => {
    const user = await store.createUser({ email: "keys@example.com", passwordHash: "h" });
    const input = {
      userId: user.id,
      name: "ci",
      prefix: "cl_abc",
      keyHash: "f".repeat(64),
      scopes: ["read" as const],
    };
    await store.createApiKey(input);
    await expect(store.createApiKey({ ...input, name: "again" })).rejects.toBeInstanceOf(DuplicateError);
    const now = Date.now();
    await store.createSession({ tokenHash: "t1", userId: user.id, createdAt: now, expiresAt: now + 1_000 });
    expect(await store.getSession("t1", now)).not.toBeNull();
    expect(await store.getSession("t1", now + 1_000)).toBeNull();

    const client = new MongoClient(engines.mongoUrl);
    try {
      const indexes = await client.db(database).collection("api_keys").indexes();
      expect(indexes.find((i) => i.name === "api_keys_hash")?.unique).toBe(true);
      const keys = await client.db(database).collection("api_keys").find({ userId: user.id }).toArray();
      expect(JSON.stringify(keys)).not.toContain("secret");
    } finally {
      await client.close();
    }
  });
});
