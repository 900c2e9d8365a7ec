import type { FastifyRequest } from "fastify";
import type { ApiSettings } from "../settings.ts";

/**
 * Whether this client reached us over HTTPS: "auto" believes the request's protocol (TLS on this socket, or
 * X-Forwarded-Proto from a trusted proxy only). Decides the session cookie's Secure flag and HSTS.
 */
export function isHttps(request: FastifyRequest, mode: ApiSettings["https"]): boolean {
  if (mode === "always") return true;
  if (mode === "never") return false;
  return request.protocol === "https";
}
