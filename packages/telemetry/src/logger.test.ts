import { ChainlogError } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "./logger.ts";

describe("redactUrl", () => {
  it("hides credentials in user info, query and long path segments", () => {
    expect(redactUrl("https://user:pw@node.example/rpc?key=abc")).toBe(
      "https://***:***@node.example/rpc?key=***",
    );
    expect(redactUrl("https://eth-mainnet.example/v2/abcdefghijklmnopqrstuvwxyz")).toBe(
      "https://eth-mainnet.example/v2/***",
    );
    expect(redactUrl("http://127.0.0.1:8545")).toBe("http://127.0.0.1:8545/");
    expect(redactUrl("not a url")).toBe("[unparseable url]");
  });
});

describe("createLogger's err serializer", () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger("test", "info", { write: (line: string) => lines.push(JSON.parse(line)) });
    return { logger, lines };
  };
  const chain = () => {
    const root = new Error("connect ECONNREFUSED 127.0.0.1:9092");
    const broker = new ChainlogError("broker unreachable", {
      cause: root,
      details: "3 attempts",
      retryable: true,
    });
    return new ChainlogError("publish failed", { cause: broker });
  };

  it("prints the whole cause chain: messages, stacks, and each cause's details and retry hint", () => {
    const { logger, lines } = capture();
    logger.error({ err: chain() }, "publish");
    logger.error(chain(), "publish as first argument");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const err = line.err as Record<string, unknown>;
      expect(err.type).toBe("ChainlogError");
      expect(err.message).toBe("publish failed: broker unreachable: connect ECONNREFUSED 127.0.0.1:9092");
      expect(err.stack).toMatch(/publish failed[\s\S]*caused by: ChainlogError: broker unreachable/);
      expect(err.stack).toMatch(/caused by: Error: connect ECONNREFUSED 127\.0\.0\.1:9092/);
      expect(err.shortMessage).toBe("publish failed");
      expect(err.retryable).toBe(false);
      expect(err.causes).toEqual([
        { type: "ChainlogError", message: "broker unreachable", details: "3 attempts", retryable: true },
        { type: "Error", message: "connect ECONNREFUSED 127.0.0.1:9092" },
      ]);
    }
  });

  it("ends on a cause that points back into the chain, and leaves errors without one as pino prints them", () => {
    const { logger, lines } = capture();
    const a = new ChainlogError("a");
    const b = new ChainlogError("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    logger.error({ err: b }, "cycle");
    logger.error({ err: new Error("alone") }, "single");
    expect((lines[0]!.err as { causes: unknown[] }).causes).toEqual([
      { type: "ChainlogError", message: "a", retryable: false },
    ]);
    expect(lines[1]!.err).not.toHaveProperty("causes");
    expect((lines[1]!.err as { message: string }).message).toBe("alone");
  });

  it("logs a thrown value that is not an Error as it is, without throwing", () => {
    const { logger, lines } = capture();
    for (const thrown of [null, "boom", 42, { code: "E1" }]) logger.warn({ err: thrown }, "failed");
    expect(lines.map((l) => l.err)).toEqual([null, "boom", 42, { code: "E1" }]);
  });
});
