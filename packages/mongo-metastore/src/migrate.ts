import type { AdapterLogger } from "@chainlog/ports";
import type { Db, IndexDescription } from "mongodb";
import { jsonSchemaOf, Schemas } from "./schemas.ts";

const Indexes: Record<string, IndexDescription[]> = {
  users: [{ key: { emailKey: 1 }, name: "users_email", unique: true }],
  // TTL: the server drops expired sessions (reads check expiresAt anyway, since TTL sweeps lag)
  sessions: [
    { key: { expiresAtDate: 1 }, name: "sessions_ttl", expireAfterSeconds: 0 },
    { key: { expiresAt: 1 }, name: "sessions_expiry" },
    { key: { userId: 1 }, name: "sessions_user" },
  ],
  api_keys: [
    { key: { keyHash: 1 }, name: "api_keys_hash", unique: true },
    { key: { userId: 1, createdAt: 1 }, name: "api_keys_user" },
  ],
  // multikey: one entry per watched address
  watchlists: [
    { key: { addressKeys: 1 }, name: "watchlists_address" },
    { key: { userId: 1, createdAt: 1 }, name: "watchlists_user" },
  ],
  jobs: [
    { key: { kind: 1, status: 1, seq: 1 }, name: "jobs_queue" },
    { key: { userId: 1, seq: -1 }, name: "jobs_user" },
  ],
  job_claims: [{ key: { jobId: 1 }, name: "job_claims_job" }],
  job_results: [{ key: { userId: 1 }, name: "job_results_user" }],
  wallets: [{ key: { address: 1 }, name: "wallets_address", unique: true }],
  faucet_claims: [{ key: { userId: 1 }, name: "faucet_claims_user", unique: true }],
  leases: [{ key: { name: 1, token: -1 }, name: "leases_latest" }],
};

export interface MigrateResult {
  /** Collections whose $jsonSchema validator the server accepted and kept. */
  serverValidated: string[];
}

/**
 * Creates collections (with their $jsonSchema validator where the server keeps one) and indexes. Idempotent:
 * existing collections and same-named indexes are left as they are, so concurrent starts are harmless.
 */
export async function migrate(db: Db, logger: AdapterLogger): Promise<MigrateResult> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of Object.keys(Schemas)) {
    if (existing.has(name)) continue;
    try {
      await db.createCollection(name, { validator: jsonSchemaOf(name), validationLevel: "strict" });
    } catch (error) {
      if (isNamespaceExists(error)) continue;
      // FerretDB 1.x refuses validators: the adapter validates every write itself
      logger.info({ collection: name, err: error }, "server refused the $jsonSchema validator");
      try {
        await db.createCollection(name);
      } catch (again) {
        if (!isNamespaceExists(again)) throw again;
      }
    }
  }
  for (const [name, indexes] of Object.entries(Indexes)) {
    for (const index of indexes) {
      try {
        await db.collection(name).createIndexes([index]);
      } catch (error) {
        // a TTL index the server cannot run is not fatal: createSession sweeps expired sessions too
        if (index.expireAfterSeconds !== undefined) {
          logger.warn({ collection: name, index: index.name, err: error }, "TTL index not supported");
          continue;
        }
        throw error;
      }
    }
  }
  const infos = await db.listCollections({}, {}).toArray();
  const serverValidated = infos
    .filter((c) => "options" in c && (c.options as { validator?: object } | undefined)?.validator)
    .map((c) => c.name)
    .filter((n) => n in Schemas);
  return { serverValidated };
}

function isNamespaceExists(error: unknown): boolean {
  const e = error as { code?: number; codeName?: string };
  return e?.code === 48 || e?.codeName === "NamespaceExists";
}
