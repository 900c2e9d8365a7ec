import { z } from "zod";
import { address, addressList, doc, port, trueFalse } from "../env-values.ts";

/** What the processor alone reads (besides the shared, node and adapter slices). */
export const ProcessorSlice = z.object({
  PROCESSOR_HTTP_HOST: doc(
    z.string().default("127.0.0.1"),
    "where /healthz, /readyz and /metrics listen (containers use 0.0.0.0)",
  ),
  PROCESSOR_HTTP_PORT: doc(port.default(9102), "port of /healthz, /readyz and /metrics"),
  PROCESSOR_ENRICH: doc(
    trueFalse("true"),
    "run the enrichment stage (traces, token metadata, pools, prices, balances) in this processor",
  ),
  PROCESSOR_TRACES: doc(
    z.enum(["auto", "on", "off"]).default("auto"),
    "call traces (internal transactions): auto turns them off for a node that cannot trace",
  ),
  PROCESSOR_TRACE_CONCURRENCY: doc(
    z.coerce.number().int().min(1).max(64).default(2),
    "debug_traceBlockByHash requests in flight (one block each)",
  ),
  PROCESSOR_CATCHUP_TRACE_CONCURRENCY: doc(
    z.coerce.number().int().min(0).max(64).default(0),
    "trace requests in flight while the raw stage is behind the node's head (0: none until it is)",
  ),
  PROCESSOR_RPC_TIMEOUT_MS: doc(
    z.coerce.number().int().min(100).max(600_000).default(10_000),
    "one enrichment RPC request (eth_call, eth_getBalance)",
  ),
  // The node re-executes the block, so a trace gets longer than other calls before it is asked again.
  PROCESSOR_TRACE_TIMEOUT_MS: doc(
    z.coerce.number().int().min(100).max(3_600_000).default(120_000),
    "one block's trace",
  ),
  PROCESSOR_ENRICH_RETRY_MS: doc(
    z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    "how long a transient failure of an enrichment read is retried before that part is marked failed",
  ),
  // 0: no watchlists (only WATCHED_ADDRESSES), and no metadata store needed by the processor.
  PROCESSOR_WATCHLIST_REFRESH_MS: doc(
    z.coerce
      .number()
      .int()
      .refine((ms) => ms === 0 || (ms >= 100 && ms <= 3_600_000), {
        error: "must be 0 (off) or 100..3600000",
      })
      .default(5_000),
    "how often watchlist addresses are re-read from the metadata store; 0 turns watchlists off",
  ),
  WATCHED_ADDRESSES: doc(
    addressList.default([]),
    "addresses whose ETH and token balances are kept, besides every watchlist's",
  ),
  WETH_ADDRESS: doc(
    address.optional(),
    "wrapped ether, the ETH quote of DEX prices",
    "0xc02a…6cc2 on mainnet",
  ),
  STABLECOIN_ADDRESSES: doc(
    addressList.optional(),
    "stablecoins taken as 1 USD for DEX prices",
    "USDC, USDT, DAI on mainnet",
  ),
});
