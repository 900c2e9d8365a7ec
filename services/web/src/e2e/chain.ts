import { keccak256, toHex } from "viem";

export const transferTopic = keccak256(toHex("Transfer(address,address,uint256)"));

/*
 * A token contract small enough to write by hand (no compiler needed): every call emits the ERC-20 event
 * Transfer(from = caller, to = calldata[0:32], value = calldata[32:64]), exactly as a real token's transfer() logs.
 *   runtime: PUSH1 32 PUSH1 32 PUSH1 0 CALLDATACOPY  PUSH1 0 CALLDATALOAD  CALLER  PUSH32 <topic>
 *            PUSH1 32 PUSH1 0 LOG3 STOP                                              (50 bytes)
 *   init:    PUSH1 50 PUSH1 12 PUSH1 0 CODECOPY PUSH1 50 PUSH1 0 RETURN
 */
export const transferEmitterInitCode =
  `0x6032600c60003960326000f3${"60206020600037600035337f"}${transferTopic.slice(2)}60206000a300` as const;

/** Calldata for the emitter: the recipient and the amount, ABI-encoded as transfer(address,uint256) args. */
export function transferCalldata(to: string, amount: bigint): string {
  return `0x${to.slice(2).toLowerCase().padStart(64, "0")}${amount.toString(16).padStart(64, "0")}`;
}
