import { ChainlogError } from "@chainlog/tx-schema";
import type { LeaseStore } from "./lease.ts";

export interface User {
  id: string;
  email: string;
  /** scrypt/argon2 hash with its parameters; the password itself is never stored. */
  passwordHash: string;
  createdAt: number;
}

export interface Session {
  /** SHA-256 of the session token; the token lives only in the user's cookie. */
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export type ApiKeyScope = "read" | "stream" | "export" | "account";

export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  /** First characters of the key, shown to the user to tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key. */
  keyHash: string;
  scopes: ApiKeyScope[];
  createdAt: number;
  revokedAt: number | null;
}

export interface Watchlist {
  id: string;
  userId: string;
  name: string;
  addresses: string[];
  createdAt: number;
  updatedAt: number;
}

export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled";

export interface Job {
  id: string;
  userId: string;
  kind: string;
  /** Validated by the service that owns the job kind. */
  params: Record<string, unknown>;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface JobResult {
  jobId: string;
  userId: string;
  filename: string;
  contentType: string;
  body: Buffer;
  createdAt: number;
}

/**
 * A user's wallet: the address and its Ethereum v3 keystore, encrypted in the browser with the user's password.
 * The key itself never reaches the server; the keystore is only ever returned to its owner.
 */
export interface Wallet {
  userId: string;
  /** Lower-case 0x address. */
  address: string;
  /** The v3 keystore JSON as the browser made it. */
  keystore: string;
  createdAt: number;
  updatedAt: number;
}

export class DuplicateError extends ChainlogError {
  override name = "DuplicateError";
}

/** Per-user limits on export jobs: queued or running at once, and kept in all (any status). */
export interface JobQuota {
  maxActive: number;
  maxStored: number;
}

/** Per-user limits on watchlists: how many lists, and how many addresses over all of them. */
export interface WatchlistQuota {
  maxLists: number;
  maxAddresses: number;
}

export interface JobUsage {
  /** Queued or running. */
  active: number;
  /** Every job kept, whatever its status. */
  stored: number;
  /** Bytes of every result kept. */
  resultBytes: number;
}

export type QuotaName = "jobs_active" | "jobs_stored" | "result_bytes" | "watchlists" | "watchlist_addresses";

/** A write refused because it would take the user past a quota; nothing was written. */
export class QuotaExceededError extends ChainlogError {
  override name = "QuotaExceededError";
  constructor(
    readonly quota: QuotaName,
    readonly limit: number,
    /** What the user holds now (before the refused write). */
    readonly used: number,
  ) {
    super(`quota ${quota} exceeded: ${used} of ${limit} used`);
  }
}

/**
 * Accounts and per-user data, and the leases that elect one active instance among replicas (ingest's leader). Every per-user read or write takes the owner's id, so one user can never reach
 * another's rows through this interface, whatever ids they guess.
 */
export interface MetaStore extends LeaseStore {
  migrate(): Promise<void>;

  /** Throws DuplicateError when the e-mail (compared case-insensitively) is taken. */
  createUser(input: { email: string; passwordHash: string }): Promise<User>;
  getUserByEmail(email: string): Promise<User | null>;
  getUserById(id: string): Promise<User | null>;
  /** Replaces the stored hash (a re-hash at stronger parameters on login); unknown ids change nothing. */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;

  createSession(session: Session): Promise<void>;
  /** null when unknown or expired. */
  getSession(tokenHash: string, now: number): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;

  createApiKey(input: Omit<ApiKey, "id" | "createdAt" | "revokedAt">): Promise<ApiKey>;
  /** Only keys that are not revoked. */
  findApiKeyByHash(keyHash: string): Promise<ApiKey | null>;
  listApiKeys(userId: string): Promise<ApiKey[]>;
  /** false when the key does not exist or belongs to someone else. */
  revokeApiKey(userId: string, id: string): Promise<boolean>;

  /**
   * With a quota, the check and the write are one step: concurrent calls never take the user past it
   * (QuotaExceededError, nothing written).
   */
  createWatchlist(
    userId: string,
    input: { name: string; addresses: string[] },
    quota?: WatchlistQuota,
  ): Promise<Watchlist>;
  listWatchlists(userId: string): Promise<Watchlist[]>;
  getWatchlist(userId: string, id: string): Promise<Watchlist | null>;
  updateWatchlist(
    userId: string,
    id: string,
    patch: { name?: string; addresses?: string[] },
    quota?: WatchlistQuota,
  ): Promise<Watchlist | null>;
  deleteWatchlist(userId: string, id: string): Promise<boolean>;
  /** Every watchlist that contains the address, whoever owns it (for live alerts). */
  findWatchlistsByAddress(address: string): Promise<Watchlist[]>;
  /** Every address on any watchlist, distinct, lower case, sorted (the processor keeps their balances). */
  listWatchedAddresses(): Promise<string[]>;

  /** With a quota, checked and written as one step (QuotaExceededError, nothing written). */
  createJob(
    userId: string,
    input: { kind: string; params: Record<string, unknown> },
    quota?: JobQuota,
  ): Promise<Job>;
  getJobUsage(userId: string): Promise<JobUsage>;
  /** Deletes the job and its result; false when it does not exist or belongs to someone else. */
  deleteJob(userId: string, id: string): Promise<boolean>;
  /** Deletes finished (done, failed, cancelled) jobs last updated before the time, with their results. */
  deleteFinishedJobs(updatedBefore: number): Promise<number>;
  getJob(userId: string, id: string): Promise<Job | null>;
  listJobs(userId: string): Promise<Job[]>;
  /** Atomically moves the oldest queued job of this kind to running and returns it; null when none waits. */
  claimJob(kind: string): Promise<Job | null>;
  updateJob(
    id: string,
    patch: { status?: JobStatus; progress?: number; error?: string | null },
  ): Promise<void>;
  /**
   * Keeps a job's file. Stores nothing when the job no longer exists (deleted meanwhile). With a quota, the
   * user's results stay within maxBytes (QuotaExceededError, nothing written).
   */
  putJobResult(result: Omit<JobResult, "createdAt">, quota?: { maxBytes: number }): Promise<void>;
  getJobResult(userId: string, jobId: string): Promise<JobResult | null>;

  /**
   * Sets the user's wallet (a new key or a re-encrypted keystore replaces the old one). Throws DuplicateError
   * when another user holds the address.
   */
  putWallet(userId: string, input: { address: string; keystore: string }): Promise<Wallet>;
  getWallet(userId: string): Promise<Wallet | null>;
  /** The wallet address of the user with this e-mail (any case), for sending to a user by name. */
  getWalletAddressByEmail(email: string): Promise<string | null>;
  /**
   * Records one faucet grant. false (nothing written) when the address or the user was granted before: the
   * faucet funds each wallet, and each user, once.
   */
  claimFaucet(userId: string, address: string): Promise<boolean>;
  /** Gives the grant back (the funding failed before anything was sent). */
  releaseFaucetClaim(userId: string, address: string): Promise<void>;

  health(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
}
