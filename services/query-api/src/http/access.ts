import type { MetaStore } from "@chainlog/ports";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { resolveIdentity } from "../auth/identity.ts";
import type { ApiSettings } from "../settings.ts";
import { ForbiddenError, InvalidParameterError, RateLimitedError, UnauthenticatedError } from "./errors.ts";
import { createTokenBuckets } from "./rate-limit.ts";
import type { RouteAccess } from "./route.ts";
import { findOperatorKey } from "./validation.ts";

/**
 * One onRequest hook for every request the server answers, whatever its URL form (origin or absolute), route or
 * none: who the caller is, the rate limit of their key or client address, and the route's own rule. It runs
 * before the body is read, so an anonymous call to a protected route is a 401 whatever its body.
 */
export function installAccessHook(
  app: FastifyInstance,
  deps: { meta: MetaStore; settings: ApiSettings },
): void {
  const { settings } = deps;
  const clientBuckets = createTokenBuckets(settings.ipRateLimit);
  const keyBuckets = createTokenBuckets(settings.keyRateLimit);
  const credentialBuckets = createTokenBuckets(settings.authRateLimit);

  const takeClient = (request: FastifyRequest) => {
    const wait = clientBuckets.take(request.ip);
    if (wait > 0) throw new RateLimitedError(wait, settings.ipRateLimit.burst);
  };

  app.decorateRequest("identity", null);
  app.addHook("onRequest", async (request) => {
    // Routes without our config (the docs plugin's, 404s, 405s) are public.
    const config = request.routeOptions.config;
    const access: RouteAccess = { auth: config?.auth ?? "public", throttle: config?.throttle };
    try {
      request.identity = await resolveIdentity(request, deps.meta, config?.apiKeyQuery);
    } catch (error) {
      // Failed credentials count against the client, so guessing keys is rate limited too.
      takeClient(request);
      throw error;
    }
    const keyId = request.identity?.keyId;
    if (keyId) {
      const wait = keyBuckets.take(keyId);
      if (wait > 0) throw new RateLimitedError(wait, settings.keyRateLimit.burst);
    } else takeClient(request);
    if (access.throttle === "credentials") {
      const wait = credentialBuckets.take(request.ip);
      if (wait > 0)
        throw new RateLimitedError(wait, settings.authRateLimit.burst, "too many sign-up or login attempts");
    }

    const rule = access.auth;
    if (rule !== "public") {
      const identity = request.identity;
      if ("user" in rule && !identity) throw new UnauthenticatedError();
      const scope = "user" in rule ? rule.user : rule.public;
      if (identity && identity.scopes !== "all" && !identity.scopes.includes(scope))
        throw new ForbiddenError(`this API key lacks the '${scope}' scope`);
    }

    // Routes without a query schema still must not see operator-like keys (they could reach a store one day).
    const operator = findOperatorKey(request.query);
    if (operator)
      throw new InvalidParameterError(operator.join("."), "is not allowed (operator-like or reserved key)");
  });
}
