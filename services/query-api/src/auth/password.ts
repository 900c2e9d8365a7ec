import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { ApiError } from "../http/errors.ts";

const KEY_LENGTH = 64;
/** N = 2^17 with r = 8 needs 128 MiB; room for that, and no stored hash may ask for more. */
const MAX_MEMORY = 256 * 1024 * 1024;
/** Hashes computed at once: each holds 128·N·r bytes (128 MiB at the default cost). */
const CONCURRENCY = 2;
/** Logins waiting for a hashing slot beyond this are turned away at once instead of queueing memory. */
const MAX_WAITING = 64;

export interface PasswordHasher {
  /** `scrypt$N$r$p$salt$key` (base64url): the parameters travel with the hash so they can be raised later. */
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** True when the stored hash is weaker than the current parameters (replace it after a good login). */
  needsRehash(stored: string): boolean;
  /** A hash of a random password, checked when the e-mail is unknown so response time does not reveal it. */
  dummyHash(): Promise<string>;
}

/**
 * scrypt (OWASP: N = 2^17, r = 8, p = 1) behind a small gate: CONCURRENCY hashes run at once and at most
 * MAX_WAITING wait, so a login flood costs bounded memory and answers 503 instead of swapping.
 */
export function createPasswordHasher(cost: number): PasswordHasher {
  const params = { N: 2 ** cost, r: 8, p: 1 } as const;
  let running = 0;
  const waiting: (() => void)[] = [];

  async function gated<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= CONCURRENCY) {
      if (waiting.length >= MAX_WAITING)
        throw new ApiError(503, "unavailable", "too many logins at once; retry shortly", undefined, {
          "retry-after": "1",
        });
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else running++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  const derive = (password: string, salt: Buffer, options: ScryptOptions) =>
    gated(
      () =>
        new Promise<Buffer>((resolve, reject) =>
          scrypt(
            password.normalize("NFKC"),
            salt,
            KEY_LENGTH,
            { ...options, maxmem: MAX_MEMORY },
            (e, key) => (e ? reject(e) : resolve(key)),
          ),
        ),
    );

  const hash = async (password: string) => {
    const salt = randomBytes(16);
    const key = await derive(password, salt, params);
    return [
      "scrypt",
      params.N,
      params.r,
      params.p,
      salt.toString("base64url"),
      key.toString("base64url"),
    ].join("$");
  };
  let dummy: Promise<string> | undefined;

  return {
    hash,
    async verify(password, stored) {
      const [scheme, n, r, p, salt, key] = stored.split("$");
      if (scheme !== "scrypt" || !n || !r || !p || !salt || !key) return false;
      const expected = Buffer.from(key, "base64url");
      const actual = await derive(password, Buffer.from(salt, "base64url"), {
        N: Number(n),
        r: Number(r),
        p: Number(p),
      });
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    needsRehash(stored) {
      const [scheme, n, r, p] = stored.split("$");
      return scheme !== "scrypt" || Number(n) < params.N || Number(r) < params.r || Number(p) < params.p;
    },
    dummyHash() {
      dummy ??= hash(randomBytes(16).toString("hex"));
      return dummy;
    },
  };
}
