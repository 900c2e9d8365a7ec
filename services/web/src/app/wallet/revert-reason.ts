import { BaseError, decodeErrorResult, type Hex } from "viem";

/** Solidity's panic codes (0.8), as the compiler documents them. */
const PANICS: Record<number, string> = {
  1: "assertion failed",
  17: "arithmetic overflow or underflow",
  18: "division by zero",
  33: "invalid enum value",
  34: "bad storage byte array",
  49: "pop on an empty array",
  50: "array index out of bounds",
  65: "out of memory",
  81: "call to an uninitialised function",
};

/**
 * Why a call reverted, in words, from its revert data: Error(string) gives its text, Panic(uint256) its meaning,
 * anything else is a custom error named by its selector (the page has no ABI for every contract).
 */
export function revertReasonOf(data: Hex | undefined): string {
  if (!data || data === "0x") return "reverted without a reason";
  try {
    const { errorName, args } = decodeErrorResult({ abi: [], data });
    if (errorName === "Error") return String(args?.[0] ?? "");
    if (errorName === "Panic") {
      const code = Number(args?.[0] ?? 0);
      return `panic 0x${code.toString(16).padStart(2, "0")} (${PANICS[code] ?? "unknown panic code"})`;
    }
  } catch {
    // not one of Solidity's own errors: a custom one
  }
  const args = (data.length - 10) / 2;
  return `custom error ${data.slice(0, 10)}${args > 0 ? ` with ${args} bytes of arguments` : ""}`;
}

/** The revert data a failed eth_call carries somewhere in viem's error chain, if the node sent any. */
export function revertDataOf(error: unknown): Hex | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const found = error.walk((e) => typeof (e as { data?: unknown }).data === "string");
  const data = (found as { data?: unknown } | null)?.data;
  return typeof data === "string" && /^0x([0-9a-fA-F]{2})*$/.test(data) ? (data as Hex) : undefined;
}
