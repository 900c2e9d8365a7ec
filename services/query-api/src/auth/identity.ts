import type { ApiKeyScope, MetaStore } from "@chainlog/ports";
import type { FastifyRequest } from "fastify";
import { UnauthenticatedError } from "../http/errors.ts";
import { API_KEY_PREFIX, SESSION_COOKIE, sha256 } from "./tokens.ts";

export interface Identity {
  userId: string;
  via: "session" | "key";
  /** A session may do everything its user may; a key only what its scopes say. */
  scopes: ApiKeyScope[] | "all";
  keyId?: string;
  sessionHash?: string;
}

declare module "fastify" {
  interface FastifyRequest {
    identity: Identity | null;
  }
}

const KEY_RE = /^clk_[A-Za-z0-9_-]{43}$/;

function presentedKey(request: FastifyRequest, queryParam?: string): string | null {
  const header = request.headers.authorization;
  if (typeof header === "string" && header.length > 0) {
    const [scheme, value] = header.split(" ");
    if (scheme?.toLowerCase() !== "bearer" || !value)
      throw new UnauthenticatedError("malformed Authorization header");
    return value;
  }
  const key = request.headers["x-api-key"];
  if (typeof key === "string" && key.length > 0) return key;
  if (Array.isArray(key)) throw new UnauthenticatedError("more than one x-api-key header");
  // Etherscan-style clients can only put the key in the URL; an empty one is no key (ethers sends none unset).
  if (queryParam) {
    const value = (request.query as Record<string, unknown> | undefined)?.[queryParam];
    if (Array.isArray(value)) throw new UnauthenticatedError(`more than one ${queryParam} parameter`);
    if (typeof value === "string" && value.length > 0) return value;
  }
  return null;
}

/**
 * Every request is looked up afresh (no cache), so a revoked key or a logged-out session fails on the very
 * next request. A credential that is presented but not valid is a 401, never a silent fallback to anonymous.
 */
export async function resolveIdentity(
  request: FastifyRequest,
  meta: MetaStore,
  keyQueryParam?: string,
): Promise<Identity | null> {
  const key = presentedKey(request, keyQueryParam);
  if (key !== null) {
    if (!key.startsWith(API_KEY_PREFIX) || !KEY_RE.test(key))
      throw new UnauthenticatedError("invalid API key");
    const found = await meta.findApiKeyByHash(sha256(key));
    if (!found || found.revokedAt !== null) throw new UnauthenticatedError("invalid or revoked API key");
    return { userId: found.userId, via: "key", scopes: found.scopes, keyId: found.id };
  }
  const token = request.cookies?.[SESSION_COOKIE];
  if (token) {
    const tokenHash = sha256(token);
    const session = await meta.getSession(tokenHash, Date.now());
    // An expired or unknown cookie is treated as absent on public routes; protected ones answer 401.
    if (session) return { userId: session.userId, via: "session", scopes: "all", sessionHash: tokenHash };
  }
  return null;
}
