import { describe, expect, it } from "vitest";
import { redactUrl } from "./logger.ts";

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
