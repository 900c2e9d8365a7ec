import { describe, expect, it } from "vitest";
import { ChainlogError, errorClass } from "./errors.ts";

class PlainError extends errorClass("PlainError") {}
class ClosedError extends errorClass("ClosedError", () => "it is closed") {}
class SlowError extends errorClass("SlowError", (ms: number, cause?: unknown) => [
  `no answer after ${ms} ms`,
  { cause, retryable: true },
]) {}
class NarrowError extends errorClass("NarrowError", (what: string) => `bad ${what}`, PlainError) {}

describe("errorClass", () => {
  it("declares a named ChainlogError that takes the base's message and options", () => {
    const cause = new Error("socket hang up");
    const e = new PlainError("went wrong", { cause, details: "twice" });
    expect(e).toBeInstanceOf(PlainError);
    expect(e).toBeInstanceOf(ChainlogError);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message, e.shortMessage, e.details, e.cause, e.retryable]).toEqual([
      "PlainError",
      "went wrong",
      "went wrong",
      "twice",
      cause,
      false,
    ]);
    expect(String(e)).toBe("PlainError: went wrong");
    expect(PlainError.name).toBe("PlainError");
  });

  it("words the message from the class's own arguments, with options when it gives them", () => {
    expect(new ClosedError().message).toBe("it is closed");
    const cause = new Error("leader not available");
    const slow = new SlowError(500, cause);
    expect([slow.name, slow.message, slow.cause, slow.retryable]).toEqual([
      "SlowError",
      "no answer after 500 ms",
      cause,
      true,
    ]);
    expect("cause" in new SlowError(1)).toBe(false);
  });

  it("extends another named error, which still catches it", () => {
    const e = new NarrowError("range");
    expect(e).toBeInstanceOf(PlainError);
    expect(e).not.toBeInstanceOf(ClosedError);
    expect([e.name, e.message]).toEqual(["NarrowError", "bad range"]);
  });
});
