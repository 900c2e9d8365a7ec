import { encodeAbiParameters, stringToHex } from "viem";
import { describe, expect, it } from "vitest";
import { decodeDecimalsResult, decodeStringResult, decodeUintResult } from "./decode-call-result.ts";
import { csvRows, fixture } from "./test-support/fixtures.ts";

const answer = (dir: string, selector: string, address: string) =>
  (
    JSON.parse(
      fixture(
        `test_export_tokens_job/${dir}/web3_response.eth_call_data_${selector}_to_${address}_latest.json`,
      ),
    ) as { result: string }
  ).result;

describe("token metadata answers from mainnet (ethereum-etl test_export_tokens_job)", () => {
  it.each([
    ["token_with_alternative_return_type", "0x86fa049857e0209aa7d9e616f7eb3b3b78ecfdb0"],
    ["token_with_invalid_data", "0xf763be8b3263c268e9789abfb3934564a7b80054"],
  ])("%s decodes to ethereum-etl's expected row", (dir, address) => {
    const [expected] = csvRows(`test_export_tokens_job/${dir}/expected_tokens.csv`);
    expect({
      address,
      symbol: decodeStringResult(answer(dir, "0x95d89b41", address)) ?? "",
      name: decodeStringResult(answer(dir, "0x06fdde03", address)) ?? "",
      decimals: String(decodeDecimalsResult(answer(dir, "0x313ce567", address)) ?? ""),
      total_supply: decodeUintResult(answer(dir, "0x18160ddd", address)) ?? "",
      block_number: "",
    }).toEqual(expected);
  });
});

describe("decodeStringResult", () => {
  it("reads ABI strings, including non-ASCII", () => {
    expect(decodeStringResult(encodeAbiParameters([{ type: "string" }], ["Wrapped Ether"]))).toBe(
      "Wrapped Ether",
    );
    expect(decodeStringResult(encodeAbiParameters([{ type: "string" }], ["Ünïcødé 🦄"]))).toBe("Ünïcødé 🦄");
    expect(decodeStringResult(encodeAbiParameters([{ type: "string" }], [""]))).toBe("");
  });
  it("reads bytes32 answers (MKR style) and drops NUL padding", () => {
    expect(decodeStringResult(stringToHex("MKR", { size: 32 }))).toBe("MKR");
    expect(decodeStringResult(`0x${"00".repeat(32)}`)).toBe("");
  });
  it("returns null for reverts, empty answers and garbage", () => {
    expect(decodeStringResult("0x")).toBeNull();
    expect(decodeStringResult("0x1234")).toBeNull();
    expect(decodeStringResult("not hex")).toBeNull();
    // An offset or a length pointing past the answer.
    expect(decodeStringResult(`0x${"ff".repeat(32)}${"00".repeat(32)}`)).toBeNull();
    expect(
      decodeStringResult(`0x${(32).toString(16).padStart(64, "0")}${(1000).toString(16).padStart(64, "0")}`),
    ).toBeNull();
  });
  it("keeps invalid UTF-8 readable instead of failing", () => {
    const hex = encodeAbiParameters([{ type: "bytes" }], ["0x41ff42"]);
    expect(decodeStringResult(hex)).toBe("A\uFFFDB");
  });
});

describe("decodeDecimalsResult / decodeUintResult", () => {
  it("accepts one word and rejects the rest", () => {
    expect(decodeDecimalsResult(`0x${"12".padStart(64, "0")}`)).toBe(18);
    expect(decodeDecimalsResult(`0x${"1ff".padStart(64, "0")}`)).toBeNull();
    expect(decodeDecimalsResult("0x")).toBeNull();
    expect(decodeUintResult(`0x${"f".repeat(64)}`)).toBe(((1n << 256n) - 1n).toString());
    expect(decodeUintResult("0x12")).toBeNull();
  });
});
