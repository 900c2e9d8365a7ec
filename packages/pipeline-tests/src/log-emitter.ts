import { keccak256, toHex } from "viem";

/** topic0 of the events the emitter logs: Ping(address,bytes). */
export const pingTopic = keccak256(toHex("Ping(address,bytes)"));

/*
 * A contract small enough to write by hand, so the end-to-end test needs no compiler: every call emits
 * LOG2(topic0 = Ping, topic1 = caller, data = calldata).
 *   runtime: CALLDATASIZE PUSH1 0 PUSH1 0 CALLDATACOPY CALLER PUSH32 <topic> CALLDATASIZE PUSH1 0 LOG2 STOP
 *   init:    PUSH1 45 PUSH1 12 PUSH1 0 CODECOPY PUSH1 45 PUSH1 0 RETURN
 */
export const logEmitterInitCode =
  `0x602d600c600039602d6000f336600060003733${`7f${pingTopic.slice(2)}`}366000a200` as const;
