import type { BlockRef } from "@chainlog/tx-schema";

/**
 * The parent-hash chain of the last `depth` published blocks, ascending and contiguous. It is what a new
 * block must link to, and what a reorg walk compares the node's blocks against.
 */
export class RecentChain {
  private refs: BlockRef[] = [];
  constructor(readonly depth: number) {}

  get tip(): BlockRef | undefined {
    return this.refs[this.refs.length - 1];
  }
  get oldest(): BlockRef | undefined {
    return this.refs[0];
  }
  get(number: number): BlockRef | undefined {
    const first = this.refs[0];
    return first ? this.refs[number - first.number] : undefined;
  }
  /** Ascending copy. */
  all(): BlockRef[] {
    return [...this.refs];
  }
  reset(refs: BlockRef[]): void {
    this.refs = refs.slice(-this.depth);
  }
  push(ref: BlockRef): void {
    const tip = this.tip;
    if (tip && ref.number !== tip.number + 1) throw new Error(`chain gap: ${tip.number} then ${ref.number}`);
    this.refs.push(ref);
    if (this.refs.length > this.depth) this.refs.shift();
  }
  /** Drops every block above `number`; returns them newest first. */
  truncateAbove(number: number): BlockRef[] {
    const dropped: BlockRef[] = [];
    while (this.tip && this.tip.number > number) dropped.push(this.refs.pop()!);
    return dropped;
  }
}
