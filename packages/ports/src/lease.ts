import { ChainlogError } from "@chainlog/tx-schema";
/**
 * A named lease in the metadata store: at most one holder at a time, until `expiresAt`. The token grows by one
 * each time the lease is taken afresh (never on a renewal), so whatever a holder writes can carry it and a write
 * of an earlier holder is told apart from a later one's (a fencing token).
 *
 * Times are milliseconds since the epoch on the caller's clock: holders are assumed to agree on the time to
 * well within a lease's duration (NTP), which is what every lease without a consensus service assumes.
 */
export interface Lease {
  name: string;
  holder: string;
  token: number;
  expiresAt: number;
}

export interface LeaseStore {
  /**
   * Takes the lease when nobody holds it, its holder's time ran out, or it was released; renews it when `holder`
   * already holds it. null (nothing written) while another holder's lease is live. Of several callers racing
   * for a free lease, exactly one gets it.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null>;
  /** Extends a lease still held under this token and not yet expired; null when it was lost (nothing written). */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /** Gives the lease up at once, so a standby need not wait for it to expire; a lost lease is left as it is. */
  releaseLease(lease: Lease): Promise<void>;
  /** The lease as stored (possibly expired), or null when it was never taken. */
  getLease(name: string): Promise<Lease | null>;
}

export class InvalidLeaseError extends ChainlogError {
  override name = "InvalidLeaseError";
}

/** The arguments every adapter checks the same way before touching its store. */
export function checkLeaseArgs(name: string, holder: string, ttlMs?: number): void {
  if (typeof name !== "string" || name.length === 0 || name.length > 200)
    throw new InvalidLeaseError("lease name must be 1..200 characters");
  if (typeof holder !== "string" || holder.length === 0 || holder.length > 300)
    throw new InvalidLeaseError("lease holder must be 1..300 characters");
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs >= 100 && ttlMs <= 3_600_000))
    throw new InvalidLeaseError("lease duration must be a whole number of milliseconds in 100..3600000");
}
