import { ChainlogError } from "@chainlog/tx-schema";
export interface EndpointConfig {
  url: string;
  /** Lower is preferred: the pool sends to the healthy endpoints of the lowest priority first. Default 0. */
  priority?: number;
  /** Ceiling of calls per second; unset means unlimited until the endpoint answers 429. */
  maxRps?: number;
}

export class EndpointConfigError extends ChainlogError {
  override name = "EndpointConfigError";
}

/**
 * Parses ETH_RPC_URLS entries: `url` or `url#priority=1&rps=50`. The fragment is never sent to the node,
 * so it is a safe place for our own options.
 */
export function parseEndpoints(list: string[]): EndpointConfig[] {
  return list.map((entry, i) => {
    const [url = "", fragment] = entry.split("#", 2);
    try {
      const u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
    } catch {
      throw new EndpointConfigError(`RPC endpoint ${i + 1} is not an http(s) URL`);
    }
    const config: EndpointConfig = { url };
    for (const [key, value] of new URLSearchParams(fragment ?? "")) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0)
        throw new EndpointConfigError(`RPC endpoint ${i + 1}: ${key} must be a non-negative number`);
      if (key === "priority") config.priority = n;
      else if (key === "rps" || key === "maxRps") config.maxRps = n > 0 ? n : undefined;
      else throw new EndpointConfigError(`RPC endpoint ${i + 1}: unknown option ${key}`);
    }
    return config;
  });
}
