/** Addresses from free text (one per line, or separated by commas or spaces), deduplicated, lower case. */
export function parseAddressList(text: string): { addresses: string[]; invalid: string[] } {
  const tokens = text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const addresses: string[] = [];
  const invalid: string[] = [];
  for (const token of tokens) {
    if (/^0x[0-9a-fA-F]{40}$/.test(token)) {
      const lower = token.toLowerCase();
      if (!addresses.includes(lower)) addresses.push(lower);
    } else invalid.push(token);
  }
  return { addresses, invalid };
}
