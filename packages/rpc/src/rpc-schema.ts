import type { Address, BlockTag, Hash, Hex, PublicRpcSchema, Quantity } from "viem";

/** One frame of geth's callTracer output (what anvil, geth, Erigon and Reth answer). */
export interface RpcCallFrame {
  type?: string;
  from?: string;
  to?: string;
  value?: Quantity;
  gas?: Quantity;
  gasUsed?: Quantity;
  input?: Hex;
  output?: Hex;
  error?: string;
  revertReason?: string;
  calls?: RpcCallFrame[];
}

/** debug_traceBlockBy* with callTracer: one entry per transaction, a trace or a per-transaction error. */
export type RpcBlockTrace = { txHash?: Hash; result?: RpcCallFrame; error?: string }[];

interface TraceOptions {
  tracer: "callTracer";
  tracerConfig?: { onlyTopCall?: boolean; withLog?: boolean };
  timeout?: string;
}

/** What viem's public schema lacks and Chainlog asks: the debug namespace's block tracers. */
export type DebugRpcSchema = [
  {
    Method: "debug_traceBlockByHash";
    Parameters: [hash: Hash, options: TraceOptions];
    ReturnType: RpcBlockTrace;
  },
  {
    Method: "debug_traceBlockByNumber";
    Parameters: [block: Quantity | BlockTag, options: TraceOptions];
    ReturnType: RpcBlockTrace;
  },
];

/** Every method Chainlog sends, typed with viem's EIP-1474 schema plus the debug tracers. */
export type ChainlogRpcSchema = readonly [...PublicRpcSchema, ...DebugRpcSchema];
type Entry = ChainlogRpcSchema[number];
export type RpcMethod = Entry["Method"];
type ParamsOf<E> = E extends { Parameters?: infer P }
  ? undefined extends P
    ? Exclude<P, undefined> | []
    : P
  : [];
export type RpcParams<M extends RpcMethod> = ParamsOf<Extract<Entry, { Method: M }>>;
export type RpcReturn<M extends RpcMethod> = Extract<Entry, { Method: M }>["ReturnType"];

/** One call of a JSON-RPC batch; method and parameters checked against the schema. */
export type RpcCall = { [M in RpcMethod]: { method: M; params: RpcParams<M> } }[RpcMethod];

export type { Address };
