/**
 * Formats an integer amount of the smallest unit (wei, token base units) as a decimal string with bigint math:
 * floats would misstate anything above 2^53 wei (0.009 ETH).
 */
export function formatUnits(value: string | bigint, decimals: number): string {
  const amount = typeof value === "bigint" ? value : BigInt(value);
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  const text = fraction ? `${whole}.${fraction}` : whole.toString();
  return negative ? `-${text}` : text;
}

/** Groups the integer part in threes for reading; the fraction stays exact. */
export function groupThousands(decimal: string): string {
  const [whole = "0", fraction] = decimal.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

export function formatEth(wei: string | bigint): string {
  return `${groupThousands(formatUnits(wei, 18))} ETH`;
}

export function formatGwei(wei: string | bigint): string {
  return `${groupThousands(formatUnits(wei, 9))} gwei`;
}

/** Decimal-string integers (gas, nonces) grouped for reading. */
export function formatInteger(value: string | number | bigint): string {
  return groupThousands(BigInt(value).toString());
}

/** 0x1234…abcd: enough to tell hashes apart in a list; the full value stays in the link's title. */
export function shortHex(hex: string, keep = 6): string {
  return hex.length <= 2 + keep * 2 + 1 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

/** "12 s ago", "3 min ago"… relative to `now` (both in seconds). */
export function formatAge(timestamp: number, now: number): string {
  const seconds = Math.max(0, Math.round(now - timestamp));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export function formatTimestamp(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC");
}

/** gasUsed / gasLimit as a percentage with one decimal, computed on integers. */
export function formatPercent(part: string, whole: string): string {
  const w = BigInt(whole);
  if (w === 0n) return "0%";
  const tenths = (BigInt(part) * 1000n) / w;
  return `${tenths / 10n}.${tenths % 10n}%`;
}
