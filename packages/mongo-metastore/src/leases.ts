import { checkLeaseArgs, type Lease, type LeaseStore } from "@chainlog/ports";
import { type Collection, type Document, MongoServerError } from "mongodb";
import { validate } from "./schemas.ts";

type LeaseDoc = Document & Lease & { _id: string };

const idOf = (name: string, token: number) => `${name}#${token}`;
const toLease = (d: LeaseDoc): Lease => ({
  name: d.name,
  holder: d.holder,
  token: d.token,
  expiresAt: d.expiresAt,
});

/**
 * Leases on a MongoDB-wire server without transactions. FerretDB 1.x runs findAndModify and conditional updates
 * as a read then a write, so no update can decide between two takers. What every such server does atomically
 * is refuse a second insert of one _id: each term of a lease is its own document `<name>#<token>`, and the taker
 * whose insert of the next token goes in wins it.
 *
 * A renewal is an update of the holder's own term, so it can race a taker that read the term as expired just
 * before. Both sides check after writing: the holder that finds a later term gives up; the taker that finds
 * the term it replaced renewed since it looked withdraws its own. Whichever way the writes interleave, at
 * most one ends up believing it holds the lease (the later of the two checks sees the other's write).
 */
export function createMongoLeases(leases: Collection<LeaseDoc>, open: () => Promise<void>): LeaseStore {
  const latest = async (name: string) => leases.find({ name }).sort({ token: -1 }).limit(1).next();

  const laterTermExists = async (name: string, token: number) =>
    (await leases.findOne({ name, token: { $gt: token } }, { projection: { _id: 1 } })) !== null;

  const extend = async (term: Lease, ttlMs: number): Promise<Lease | null> => {
    const now = Date.now();
    const expiresAt = now + ttlMs;
    const { matchedCount } = await leases.updateOne(
      { _id: idOf(term.name, term.token), holder: term.holder, expiresAt: { $gt: now } },
      { $set: { expiresAt } },
    );
    if (matchedCount === 0 || (await laterTermExists(term.name, term.token))) return null;
    return { ...term, expiresAt };
  };

  return {
    async acquireLease(name, holder, ttlMs) {
      checkLeaseArgs(name, holder, ttlMs);
      await open();
      const now = Date.now();
      const current = await latest(name);
      if (current && current.expiresAt > now) {
        return current.holder === holder ? extend(toLease(current), ttlMs) : null;
      }
      const token = (current?.token ?? 0) + 1;
      const term: LeaseDoc = { _id: idOf(name, token), name, holder, token, expiresAt: now + ttlMs };
      validate("leases", term);
      try {
        await leases.insertOne(term);
      } catch (error) {
        if (error instanceof MongoServerError && error.code === 11000) return null;
        throw error;
      }
      if (current) {
        // The term we replaced must still be as we saw it expire; a renewal that landed meanwhile wins.
        const replaced = await leases.findOne({ _id: current._id });
        if (!replaced || replaced.expiresAt !== current.expiresAt) {
          await leases.deleteOne({ _id: term._id, holder });
          return null;
        }
        await leases.deleteMany({ name, token: { $lt: current.token } });
      }
      return toLease(term);
    },

    async renewLease(lease, ttlMs) {
      checkLeaseArgs(lease.name, lease.holder, ttlMs);
      await open();
      return extend(lease, ttlMs);
    },

    async releaseLease(lease) {
      checkLeaseArgs(lease.name, lease.holder);
      await open();
      await leases.updateOne(
        { _id: idOf(lease.name, lease.token), holder: lease.holder, expiresAt: { $gt: 0 } },
        { $set: { expiresAt: 0 } },
      );
    },

    async getLease(name) {
      checkLeaseArgs(name, "-");
      await open();
      const doc = await latest(name);
      return doc ? toLease(doc) : null;
    },
  };
}
