import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import proxyAddr from "@fastify/proxy-addr";
import { z } from "zod";

/**
 * Which X-Forwarded-For hops a server believes: false (none: the client is the socket's peer), a number of
 * proxies in front (only where nothing else can reach the server), or the proxies' own addresses/CIDRs.
 */
export type TrustProxy = false | number | string[];

const isAddressOrCidr = (entry: string) => {
  const [address = "", bits, extra] = entry.split("/");
  if (extra !== undefined || !isIP(address)) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128);
};

/** `false`/`0`, a hop count 1..9, or comma-separated addresses/CIDRs. `true` is refused: it trusts anyone. */
export const TrustProxySchema = z.string().transform((raw, ctx): TrustProxy => {
  const s = raw.trim();
  if (s === "false" || s === "0") return false;
  if (s === "true") {
    ctx.addIssue({
      code: "custom",
      message:
        "'true' would trust every hop, letting clients choose their own address: give the number of proxies in front (e.g. 1) or their addresses/CIDRs",
    });
    return false;
  }
  if (/^[1-9]$/.test(s)) return Number(s);
  const entries = s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = entries.find((e) => !isAddressOrCidr(e));
  if (bad !== undefined || entries.length === 0)
    ctx.addIssue({
      code: "custom",
      message: `expected false, a hop count 1..9, or comma-separated IP addresses/CIDRs (not '${bad ?? s}')`,
    });
  return entries;
});

/** Whether the peer at `hop` (0 = the socket's peer) is a proxy to believe. */
export function trustFunction(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === false) return () => false;
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  const trusted = proxyAddr.compile(trust);
  return (address, hop) => trusted(address, hop);
}

/** The client's address: the socket's peer, or the nearest X-Forwarded-For entry no trusted proxy wrote. */
export function clientAddress(request: IncomingMessage, trust: TrustProxy): string {
  return proxyAddr(request, trustFunction(trust));
}
