import { describe, expect, it } from "vitest";
import { headersToStrings } from "./headers.ts";
import { chunk, toConsumed } from "./to-consumed.ts";
import { withRetry } from "./with-retry.ts";

describe("message conversion", () => {
  it("turns Kafka bytes into the port's strings, keeping the last of repeated headers", () => {
    expect(
      headersToStrings({
        a: Buffer.from("Ünï 🙂"),
        b: "plain",
        c: [Buffer.from("first"), Buffer.from("last")],
        d: undefined,
        e: Buffer.alloc(0),
      }),
    ).toEqual({ a: "Ünï 🙂", b: "plain", c: "last", e: "" });
    expect(headersToStrings(undefined)).toEqual({});
  });

  it("maps null keys and values to empty ones, and keeps offsets as strings", () => {
    const m = toConsumed("t", 2, {
      key: null,
      value: null,
      timestamp: "1700000000000",
      attributes: 0,
      offset: "9007199254740993",
      size: 0,
    });
    expect(m).toEqual({
      topic: "t",
      partition: 2,
      offset: "9007199254740993",
      timestamp: 1_700_000_000_000,
      key: "",
      value: Buffer.alloc(0),
      headers: {},
    });
  });

  it("chunks batches to the size bound, in order", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });
});

describe("withRetry", () => {
  it("retries errors marked retriable, and only those", async () => {
    let calls = 0;
    const flaky = async () => {
      if (++calls < 3) throw Object.assign(new Error("NOT_COORDINATOR"), { retriable: true });
      return "ok";
    };
    expect(await withRetry(flaky, 5, 1)).toBe("ok");
    expect(calls).toBe(3);
    let fatal = 0;
    await expect(
      withRetry(
        async () => {
          fatal++;
          throw new Error("bad request");
        },
        5,
        1,
      ),
    ).rejects.toThrow("bad request");
    expect(fatal).toBe(1);
  });
});
