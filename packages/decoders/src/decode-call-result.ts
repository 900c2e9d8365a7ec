/**
 * Decoders for the answers of token metadata calls (name(), symbol(), decimals(), totalSupply()). Tokens in the
 * wild return an ABI string, a bytes32 (MKR, EOS), padded strings with NUL bytes, or nothing at all; each decoder
 * returns null for an answer it cannot read instead of throwing.
 */

const utf8 = new TextDecoder("utf-8", { fatal: false });

function bytesOf(hex: string): Uint8Array | null {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) return null;
  return Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
}

function clean(bytes: Uint8Array): string {
  // NUL bytes are padding in bytes32 answers and junk in some strings; ethereum-etl drops them all too.
  return utf8.decode(bytes).replaceAll("\u0000", "");
}

/** An ABI `string`, else a `bytes32` read as text; null for empty or unreadable answers. */
export function decodeStringResult(hex: string): string | null {
  const bytes = bytesOf(hex);
  if (!bytes || bytes.length === 0) return null;
  if (bytes.length >= 64 && bytes.length % 32 === 0) {
    const view = Buffer.from(bytes);
    const offset = view.readBigUInt64BE(24);
    const offsetHigh = view.subarray(0, 24).some((b) => b !== 0);
    if (!offsetHigh && offset % 32n === 0n && offset + 32n <= BigInt(bytes.length)) {
      const at = Number(offset);
      const lengthHigh = view.subarray(at, at + 24).some((b) => b !== 0);
      const length = view.readBigUInt64BE(at + 24);
      if (!lengthHigh && BigInt(at) + 32n + length <= BigInt(bytes.length))
        return clean(bytes.subarray(at + 32, at + 32 + Number(length)));
    }
  }
  if (bytes.length === 32) return clean(bytes);
  return null;
}

/** A uint256 as a decimal string; null for anything but exactly one word. */
export function decodeUintResult(hex: string): string | null {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) return null;
  return BigInt(hex).toString(10);
}

/** decimals(): a uint8 in practice; anything above 255 is not a real decimals value. */
export function decodeDecimalsResult(hex: string): number | null {
  const v = decodeUintResult(hex);
  if (v === null) return null;
  const n = Number(v);
  return n <= 255 ? n : null;
}
