import type { Holding } from "@chainlog/tx-schema";
import { formatTokenAmount, NATIVE_ASSET, trimDecimal } from "../format/tokens.ts";
import { groupThousands } from "../format/units.ts";
import { TokenLink } from "./common.tsx";
import type { Column } from "./data-table.tsx";

/** A fungible holding's asset: its token link, and the token's name beside it (ETH needs none). */
export function HoldingAsset({ holding: h }: { holding: Holding }) {
  return (
    <>
      <TokenLink address={h.token} token={h} />
      {h.name && h.token !== NATIVE_ASSET && <span className="muted"> {h.name}</span>}
    </>
  );
}

/** The balance with its decimals applied (grouped, trailing zeros trimmed; exact in the title, raw for tests). */
export const holdingBalance = {
  header: "Balance",
  num: true,
  cell: (h) =>
    h.amount === null ? formatTokenAmount(h.balance, null) : trimDecimal(groupThousands(h.amount)),
  attributes: (h) => ({
    title: h.amount === null ? undefined : groupThousands(h.amount),
    "data-raw": h.balance,
  }),
} satisfies Column<Holding>;
