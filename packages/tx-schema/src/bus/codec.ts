import type { z } from "zod";
import { ChainlogError } from "../errors.ts";
import { compactBlockMessage, expandBlockMessage } from "./compact-block.ts";
import { BusEnvelope, envelopeKey } from "./envelope.ts";
import { fastBlockEnvelope } from "./fast-envelope.ts";
import { ProcessedEnvelope } from "./processed.ts";
import { StoredBlockEnvelope } from "./stored.ts";
import { upgradeV1 } from "./v1.ts";

/**
 * 1: before Dencun's fields (v1.ts). 2: every record whole. 3: block messages leave out what the receiver puts
 * back (compact-block.ts); the other kinds are as in 2.
 */
export const SCHEMA_VERSION = 3;
/** The oldest version whose processed and stored-block messages read as today's. */
const SAME_SINCE = 2;

/** Header names every bus message carries, so brokers, tools and consumers can route without parsing. */
export const Headers = {
  schemaVersion: "chainlog-schema-version",
  kind: "chainlog-kind",
  chainId: "chainlog-chain-id",
  blockNumber: "chainlog-block-number",
  blockHash: "chainlog-block-hash",
  /** "1" on rollback messages: the block named in the headers is retracted. */
  retraction: "chainlog-retraction",
  /** The fencing token of the ingest leader's lease that published it: grows with every change of leader. */
  leaderToken: "chainlog-leader-token",
} as const;

export interface EncodedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export class EnvelopeDecodeError extends ChainlogError {
  override name = "EnvelopeDecodeError";
}

/** Each version's JSON before SAME_SINCE to the next one's (a version-3 block message, expanded, is v2's). */
const upgraders: Record<number, (json: unknown) => unknown> = { 1: upgradeV1 };

function readsAsCurrent(headers: Record<string, string | undefined>): void {
  const version = Number(headers[Headers.schemaVersion]);
  if (!Number.isInteger(version) || version < SAME_SINCE || version > SCHEMA_VERSION)
    throw new EnvelopeDecodeError(`unsupported schema version ${headers[Headers.schemaVersion]}`);
}

function parseJson(value: Uint8Array | string): unknown {
  try {
    // a view of the bytes, not a copy (Buffer.from(Uint8Array) copies; messages are up to megabytes)
    const text =
      typeof value === "string"
        ? value
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8");
    return JSON.parse(text);
  } catch {
    throw new EnvelopeDecodeError("message is not JSON");
  }
}

export function encodeEnvelope(env: BusEnvelope): EncodedMessage {
  const headers: Record<string, string> = {
    [Headers.schemaVersion]: String(SCHEMA_VERSION),
    [Headers.kind]: env.kind,
    [Headers.chainId]: String(env.chainId),
    [Headers.retraction]: env.kind === "rollback" ? "1" : "0",
  };
  if (env.kind !== "finality") {
    headers[Headers.blockNumber] = String(env.block.number);
    headers[Headers.blockHash] = env.block.hash;
  }
  const json = env.kind === "block" ? compactBlockMessage(env) : env;
  return { key: envelopeKey(env), value: Buffer.from(JSON.stringify(json)), headers };
}

/** Decodes and validates one message. Older schema versions are upgraded; unknown or newer ones are refused. */
export function decodeEnvelope(
  value: Uint8Array | string,
  headers: Record<string, string | undefined>,
): BusEnvelope {
  const version = Number(headers[Headers.schemaVersion] ?? "1");
  if (!Number.isInteger(version) || version < 1 || version > SCHEMA_VERSION)
    throw new EnvelopeDecodeError(`unsupported schema version ${headers[Headers.schemaVersion]}`);
  let json = parseJson(value);
  if (version === 3) json = expandBlockMessage(json);
  if (version >= SAME_SINCE)
    try {
      return fastBlockEnvelope(json);
    } catch {
      // not a well-formed block message: the schemas below say what is wrong (see fast-envelope.ts)
    }
  try {
    for (let v = version; v < SAME_SINCE; v++) json = upgraders[v]!(json);
    return BusEnvelope.parse(json);
  } catch (error) {
    const issues = (error as z.ZodError).issues;
    const first = issues?.[0];
    throw new EnvelopeDecodeError(
      first ? `invalid v${version} message at ${first.path.join(".")}: ${first.message}` : String(error),
    );
  }
}

/** A message about one block, keyed and headed by its chain and number (processed and stored-block topics). */
function encodeBlockMessage(
  env: { kind: string; chainId: number; block: { number: number; hash: string } },
  retraction: boolean,
): EncodedMessage {
  return {
    key: `${env.chainId}:${env.block.number}`,
    value: Buffer.from(JSON.stringify(env)),
    headers: {
      [Headers.schemaVersion]: String(SCHEMA_VERSION),
      [Headers.kind]: env.kind,
      [Headers.chainId]: String(env.chainId),
      [Headers.blockNumber]: String(env.block.number),
      [Headers.blockHash]: env.block.hash,
      [Headers.retraction]: retraction ? "1" : "0",
    },
  };
}

export function encodeProcessed(env: ProcessedEnvelope): EncodedMessage {
  return encodeBlockMessage(env, env.kind === "retracted");
}

export function decodeProcessed(
  value: Uint8Array | string,
  headers: Record<string, string | undefined>,
): ProcessedEnvelope {
  readsAsCurrent(headers);
  const parsed = ProcessedEnvelope.safeParse(parseJson(value));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new EnvelopeDecodeError(`invalid processed message at ${first?.path.join(".")}: ${first?.message}`);
  }
  return parsed.data;
}

export function encodeStored(env: StoredBlockEnvelope): EncodedMessage {
  return encodeBlockMessage(env, false);
}

/**
 * A chainlog.enrich message: a stored block's reference, or (written by a raw stage from before references) a
 * copy of a chainlog.blocks message.
 */
export function decodeEnrichMessage(
  value: Uint8Array | string,
  headers: Record<string, string | undefined>,
): StoredBlockEnvelope | BusEnvelope {
  if (headers[Headers.kind] !== "stored") return decodeEnvelope(value, headers);
  readsAsCurrent(headers);
  const parsed = StoredBlockEnvelope.safeParse(parseJson(value));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new EnvelopeDecodeError(
      `invalid stored-block message at ${first?.path.join(".")}: ${first?.message}`,
    );
  }
  return parsed.data;
}
