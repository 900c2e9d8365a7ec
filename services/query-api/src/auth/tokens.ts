import { createHash, randomBytes } from "node:crypto";

export const SESSION_COOKIE = "chainlog_session";
export const API_KEY_PREFIX = "clk_";

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** 256 random bits; only its SHA-256 is stored, so a database leak yields no usable session or key. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}
