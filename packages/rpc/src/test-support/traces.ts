/** The block, transactions and addresses that block-trace tests build their callTracer answers around. */
/** Block 7; its hash in upper case, as a node may send it, so tests see it lower-cased on the way in. */
export const tracedBlock = { number: 7, hash: `0x${"B".repeat(64)}` };
/** Transaction `n` of the block: a hash of the digit `n`, at index `n`. */
export const tracedTx = (n: number) => ({ hash: `0x${String(n).repeat(64)}`, transactionIndex: n });
/** An address of one repeated hex digit. */
export const addr = (c: string) => `0x${c.repeat(40)}`;
