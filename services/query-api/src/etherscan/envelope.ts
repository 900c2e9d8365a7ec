import { z } from "zod";
import { ApiError } from "../http/errors.ts";

/*
 * Etherscan's answer shapes. Every module but `proxy` answers `{ status, message, result }` with HTTP 200 even
 * for errors (status "0", message "NOTOK", result the error text); `proxy` answers JSON-RPC. Clients (ethers'
 * EtherscanProvider, the npm and PyPI wrappers) parse exactly these, so the strings are Etherscan's own.
 */
export const EtherscanEnvelope = z.object({
  status: z.enum(["0", "1"]),
  message: z.string(),
  result: z.unknown(),
});
export type EtherscanEnvelope = z.infer<typeof EtherscanEnvelope>;

export const JsonRpcAnswer = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.number(), z.string(), z.null()]),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() }).optional(),
});

export const EtherscanResponse = z.union([EtherscanEnvelope, JsonRpcAnswer]);

export const MESSAGES = {
  module: "Error! Missing Or invalid Module name",
  action: "Error! Missing Or invalid Action name",
  address: "Error! Invalid address format",
  contractAddress: "Error! Invalid contractAddress format",
  txhash: "Error! Invalid transaction hash",
  window: "Result window is too large, PageNo x Offset size must be less than or equal to 10000",
  chainId: "Missing or unsupported chainid parameter (required for v2 api)",
  apiKey: "Invalid API Key",
  rateLimit: "Max rate limit reached, please use API Key for higher rate limit",
} as const;

export const ok = (result: unknown): EtherscanEnvelope => ({ status: "1", message: "OK", result });

/** An empty list: Etherscan answers status "0" with the list's own message (ethers treats both as success). */
export const none = (message: "No transactions found" | "No records found"): EtherscanEnvelope => ({
  status: "0",
  message,
  result: [],
});

/** A request Etherscan would refuse: answered `{ status: "0", message: "NOTOK", result: text }`. */
export class EtherscanError extends ApiError {
  override name = "EtherscanError";
  constructor(result: string) {
    super(200, "etherscan", result);
  }
}

export const notOk = (result: string): EtherscanEnvelope => ({ status: "0", message: "NOTOK", result });

/** The access layer's and the framework's errors on /api, in Etherscan's words where it has them. */
export function envelopeOfApiError(error: ApiError): EtherscanEnvelope {
  // "rate limit" in the text is what ethers' EtherscanProvider backs off on.
  if (error.code === "rate_limited") return notOk(MESSAGES.rateLimit);
  if (error.code === "unauthenticated") return notOk(MESSAGES.apiKey);
  return notOk(`Error! ${error.message}`);
}
