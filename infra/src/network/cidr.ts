/** The `index`-th `/newPrefix` block of an IPv4 CIDR (0-based), so subnets never overlap by construction. */
export function subnetCidr(cidr: string, newPrefix: number, index: number): string {
  const [addr, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const octets = (addr ?? "").split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`invalid IPv4 CIDR ${cidr}`);
  }
  if (!Number.isInteger(prefix) || newPrefix <= prefix || newPrefix > 28) {
    throw new Error(`cannot carve /${newPrefix} blocks out of ${cidr}`);
  }
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - newPrefix);
  if (index < 0 || (index + 1) * size > 2 ** (32 - prefix)) {
    throw new Error(`block ${index} of /${newPrefix} does not fit in ${cidr}`);
  }
  const start = base + index * size;
  const parts = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${parts.join(".")}/${newPrefix}`;
}
