import { DuplicateError, type MetaStore, type User } from "@chainlog/ports";
import { ApiKeyList, CreatedApiKeyResponse, UserResponse } from "@chainlog/tx-schema";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { PasswordHasher } from "../auth/password.ts";
import { newApiKey, newSessionToken, SESSION_COOKIE, sha256 } from "../auth/tokens.ts";
import { ApiError, ForbiddenError, RateLimitedError, UnauthenticatedError } from "../http/errors.ts";
import { ownedRoutes } from "../http/owned-route.ts";
import { EmailField, NameField, PasswordField, ScopeField } from "../http/params.ts";
import { createTokenBuckets } from "../http/rate-limit.ts";
import { routeGroup } from "../http/route-group.ts";
import { isHttps } from "../http/tls.ts";
import type { ApiSettings } from "../settings.ts";

const Credentials = z.strictObject({ email: EmailField, password: PasswordField });

const userView = (u: User) => ({ id: u.id, email: u.email, createdAt: u.createdAt });

export function registerAccountRoutes(
  app: FastifyInstance,
  deps: { meta: MetaStore; settings: ApiSettings; passwords: PasswordHasher },
): void {
  const { meta, settings, passwords } = deps;
  // Guesses at one account are counted per account AND client: a client guessing at an account slows only
  // itself, never the owner logging in from elsewhere. (Every attempt also draws on the per-client budget.)
  const loginBuckets = createTokenBuckets(settings.loginRateLimit);
  const accounts = routeGroup(app, { tags: ["accounts"], auth: "public" });
  const signedIn = routeGroup(app, { tags: ["accounts"], auth: { user: "account" } });
  const apiKeys = routeGroup(app, { tags: ["api keys"], auth: { user: "account" } });

  async function startSession(request: FastifyRequest, reply: FastifyReply, userId: string) {
    const token = newSessionToken();
    const now = Date.now();
    await meta.createSession({
      tokenHash: sha256(token),
      userId,
      createdAt: now,
      expiresAt: now + settings.sessionTtlMs,
    });
    void reply.setCookie(SESSION_COOKIE, token, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: isHttps(request, settings.https),
      maxAge: Math.floor(settings.sessionTtlMs / 1000),
    });
  }

  accounts.post("/v1/auth/signup", {
    summary: "Create an account and start a session (httpOnly SameSite=Lax cookie)",
    throttle: "credentials",
    body: Credentials,
    responses: { 201: UserResponse },
    errors: [409],
    handler: async ({ body, request, reply }) => {
      let user: User;
      try {
        user = await meta.createUser({
          email: body.email,
          passwordHash: await passwords.hash(body.password),
        });
      } catch (error) {
        if (error instanceof DuplicateError)
          throw new ApiError(409, "conflict", "an account with this e-mail already exists", "body.email");
        throw error;
      }
      await startSession(request, reply, user.id);
      reply.code(201);
      return { user: userView(user) };
    },
  });

  accounts.post("/v1/auth/login", {
    summary: "Log in with e-mail and password; sets the session cookie",
    throttle: "credentials",
    body: Credentials,
    responses: { 200: UserResponse },
    handler: async ({ body, request, reply }) => {
      const wait = loginBuckets.take(`${body.email.toLowerCase()}\u0000${request.ip}`);
      if (wait > 0)
        throw new RateLimitedError(
          wait,
          settings.loginRateLimit.burst,
          "too many login attempts for this account",
        );
      const user = await meta.getUserByEmail(body.email);
      // Verify against a dummy hash for unknown e-mails so timing does not reveal which accounts exist.
      const stored = user?.passwordHash ?? (await passwords.dummyHash());
      const ok = await passwords.verify(body.password, stored);
      if (!user || !ok) throw new UnauthenticatedError("invalid e-mail or password");
      // Hashes made at an older, cheaper cost are replaced now that the password is at hand.
      if (passwords.needsRehash(stored))
        await meta.setPasswordHash(user.id, await passwords.hash(body.password));
      await startSession(request, reply, user.id);
      return { user: userView(user) };
    },
  });

  accounts.post("/v1/auth/logout", {
    summary: "End the session",
    responses: { 204: null },
    handler: async ({ request, reply }) => {
      if (request.identity?.sessionHash) await meta.deleteSession(request.identity.sessionHash);
      void reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send();
    },
  });

  signedIn.get("/v1/auth/me", {
    summary: "The signed-in user",
    responses: { 200: UserResponse },
    handler: async ({ identity }) => {
      const user = await meta.getUserById(identity.userId);
      if (!user) throw new UnauthenticatedError();
      return { user: userView(user) };
    },
  });

  apiKeys.post("/v1/keys", {
    summary: "Create an API key; the key itself is returned once and only its hash is kept",
    body: z.strictObject({
      name: NameField,
      scopes: z
        .array(ScopeField, { error: "must be a list of scopes" })
        .min(1, { error: "must name at least one scope" })
        .max(4, { error: "must name at most 4 scopes" }),
    }),
    responses: { 201: CreatedApiKeyResponse },
    handler: async ({ body, identity, reply }) => {
      const scopes = [...new Set(body.scopes)];
      // A key cannot mint a key stronger than itself.
      if (identity.scopes !== "all") {
        const extra = scopes.filter((s) => !(identity.scopes as string[]).includes(s));
        if (extra.length) throw new ForbiddenError(`this API key cannot grant the '${extra[0]}' scope`);
      }
      const key = newApiKey();
      const apiKey = await meta.createApiKey({
        userId: identity.userId,
        name: body.name,
        prefix: key.slice(0, 12),
        keyHash: sha256(key),
        scopes,
      });
      reply.code(201);
      return {
        key,
        apiKey: {
          id: apiKey.id,
          name: apiKey.name,
          prefix: apiKey.prefix,
          scopes: apiKey.scopes,
          createdAt: apiKey.createdAt,
          revokedAt: apiKey.revokedAt,
        },
      };
    },
  });

  apiKeys.get("/v1/keys", {
    summary: "The caller's API keys (never the keys themselves)",
    responses: { 200: ApiKeyList },
    handler: async ({ identity }) => {
      const keys = await meta.listApiKeys(identity.userId);
      return {
        items: keys.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          scopes: k.scopes,
          createdAt: k.createdAt,
          revokedAt: k.revokedAt,
        })),
      };
    },
  });

  ownedRoutes(app, {
    url: "/v1/keys/:id",
    tags: ["api keys"],
    scope: "account",
    missing: "no such API key",
  }).delete({
    summary: "Revoke an API key; it stops working on the next request",
    remove: (userId, id) => meta.revokeApiKey(userId, id),
  });
}
