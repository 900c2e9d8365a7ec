import { ChainlogError } from "@chainlog/tx-schema";
import { InvalidDocumentError } from "./errors.ts";

/**
 * One schema per collection, used twice: as the server's $jsonSchema validator where the server enforces one
 * (MongoDB), and by the adapter before every write, because FerretDB 1.x accepts no validator and would store
 * anything. The adapter check is the one that always runs.
 */
type FieldType =
  | "string"
  | "number"
  | "binData"
  | "stringArray"
  | "date"
  | "nullableString"
  | "nullableNumber";

export const Schemas: Record<string, Record<string, FieldType>> = {
  users: { _id: "string", email: "string", emailKey: "string", passwordHash: "string", createdAt: "number" },
  sessions: {
    _id: "string",
    userId: "string",
    createdAt: "number",
    expiresAt: "number",
    expiresAtDate: "date",
  },
  api_keys: {
    _id: "string",
    userId: "string",
    name: "string",
    prefix: "string",
    keyHash: "string",
    scopes: "stringArray",
    createdAt: "number",
    revokedAt: "nullableNumber",
  },
  watchlists: {
    _id: "string",
    userId: "string",
    name: "string",
    addresses: "stringArray",
    addressKeys: "stringArray",
    createdAt: "number",
    updatedAt: "number",
  },
  jobs: {
    _id: "string",
    seq: "number",
    claims: "number",
    userId: "string",
    kind: "string",
    params: "string",
    status: "string",
    progress: "number",
    error: "nullableString",
    createdAt: "number",
    updatedAt: "number",
  },
  job_claims: { _id: "string", jobId: "string", claimedAt: "number" },
  job_results: {
    _id: "string",
    userId: "string",
    filename: "string",
    contentType: "string",
    body: "binData",
    size: "number",
    createdAt: "number",
  },
  // _id: the owner's user id (one wallet per user)
  wallets: { _id: "string", address: "string", keystore: "string", createdAt: "number", updatedAt: "number" },
  // _id: the funded address (lower case)
  faucet_claims: { _id: "string", userId: "string", claimedAt: "number" },
  // _id: `<name>#<token>`, one document per term (see leases.ts)
  leases: { _id: "string", name: "string", holder: "string", token: "number", expiresAt: "number" },
};

const bson: Record<FieldType, object> = {
  string: { bsonType: "string" },
  number: { bsonType: ["int", "long", "double"] },
  binData: { bsonType: "binData" },
  stringArray: { bsonType: "array", items: { bsonType: "string" } },
  date: { bsonType: "date" },
  nullableString: { bsonType: ["string", "null"] },
  nullableNumber: { bsonType: ["int", "long", "double", "null"] },
};

export function jsonSchemaOf(collection: string): object {
  const fields = Schemas[collection] ?? {};
  return {
    $jsonSchema: {
      bsonType: "object",
      required: Object.keys(fields),
      properties: Object.fromEntries(Object.entries(fields).map(([k, t]) => [k, bson[t]])),
    },
  };
}

function fits(type: FieldType, v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "binData":
      return Buffer.isBuffer(v) || v instanceof Uint8Array;
    case "stringArray":
      return Array.isArray(v) && v.every((x) => typeof x === "string");
    case "date":
      return v instanceof Date && !Number.isNaN(v.getTime());
    case "nullableString":
      return v === null || typeof v === "string";
    case "nullableNumber":
      return v === null || (typeof v === "number" && Number.isFinite(v));
  }
}

/** Checks the fields a write sets (all of them for an insert); throws InvalidDocumentError on the first misfit. */
export function validate(collection: string, doc: Record<string, unknown>, partial = false): void {
  const fields = Schemas[collection];
  if (!fields) throw new ChainlogError(`no schema for collection ${collection}`);
  for (const [name, type] of Object.entries(fields)) {
    if (partial && !(name in doc)) continue;
    if (!fits(type, doc[name])) throw new InvalidDocumentError(collection, name, type);
  }
  for (const name of Object.keys(doc))
    if (!(name in fields)) throw new InvalidDocumentError(collection, name, "absent (unknown field)");
}

/** Every value that reaches a query filter goes through this: a user-supplied object ({ $ne: null }) never does. */
export function str(name: string, v: unknown): string {
  if (typeof v !== "string") throw new TypeError(`${name} must be a string`);
  return v;
}
