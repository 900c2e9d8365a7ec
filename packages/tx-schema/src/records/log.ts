import { z } from "zod";
import { EventLocation } from "./event-location.ts";
import { Address, Hash, Hex } from "./primitives.ts";

export const Log = z.object({
  ...EventLocation.shape,
  address: Address,
  topics: z.array(Hash).max(4),
  data: Hex,
});
export type Log = z.infer<typeof Log>;
