import { z } from "zod";
import { Address, Hash, SafeInt } from "./primitives.ts";

/** A token's price after a DEX event, in ETH (against WETH) or USD (against a configured stablecoin). */
export const PricePoint = z.object({
  /** The token priced; NATIVE_ASSET for ETH itself (priced in USD through a WETH/stablecoin pool). */
  token: Address,
  quote: z.enum(["ETH", "USD"]),
  price: z.number().positive().finite(),
  pool: Address,
  blockNumber: SafeInt,
  blockHash: Hash,
  /** Block timestamp, seconds: the series' time axis. */
  timestamp: SafeInt,
  transactionHash: Hash,
  logIndex: SafeInt,
});
export type PricePoint = z.infer<typeof PricePoint>;
export type PriceQuote = PricePoint["quote"];
