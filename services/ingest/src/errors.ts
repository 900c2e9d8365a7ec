import { ChainlogError } from "@chainlog/tx-schema";
/** A reorg deeper than the kept parent-hash chain: the stream cannot be repaired automatically. */
export class DeepReorgError extends ChainlogError {
  override name = "DeepReorgError";
  constructor(readonly depth: number) {
    super(`reorg deeper than the ${depth} blocks kept`);
  }
}

/** The stored cursor belongs to another chain than the node serves: refusing beats mixing two chains. */
export class ChainIdMismatchError extends ChainlogError {
  override name = "ChainIdMismatchError";
}
