import { z } from "zod";
import { doc, port } from "../env-values.ts";
import { TrustProxySchema } from "../trust-proxy.ts";

/** What the web's server reads (besides the shared slice). */
export const WebSlice = z.object({
  WEB_HOST: doc(z.string().default("127.0.0.1"), "where the UI listens"),
  WEB_PORT: doc(port.default(3000), "the UI's port"),
  QUERY_API_URL: doc(
    z.string().url().default("http://127.0.0.1:4000"),
    "the query-api the UI's server proxies /v1 to",
  ),
  WEB_TRUST_PROXY: doc(
    TrustProxySchema.default(false),
    "proxies whose X-Forwarded-For/-Proto to believe: false, a hop count 1..9, or addresses/CIDRs",
    "false",
  ),
  WEB_HTTPS: doc(
    z.enum(["auto", "always", "never"]).default("auto"),
    "whether browsers reach the web over HTTPS: auto = TLS here or a trusted X-Forwarded-Proto",
  ),
  WEB_METRICS_HOST: doc(
    z.string().default("127.0.0.1"),
    "where the web's /metrics listens, never the public port",
  ),
  WEB_METRICS_PORT: doc(port.default(9103), "the web's /metrics port"),
  WEB_MAX_CONNECTIONS_PER_CLIENT: doc(
    z.coerce.number().int().min(1).default(64),
    "open connections one client address may hold",
  ),
  // A container serves the bundle its image was built with; a checkout builds its own.
  WEB_DIST_DIR: doc(
    z.string().min(1).optional(),
    "the built UI to serve (the image sets it); unset: this package's dist/public, built when missing",
  ),
});
