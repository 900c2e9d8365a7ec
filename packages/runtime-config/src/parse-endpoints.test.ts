import { describe, expect, it } from "vitest";
import { parseEndpoints } from "./parse-endpoints.ts";

describe("parseEndpoints", () => {
  it("reads priority and rps from the fragment", () => {
    expect(parseEndpoints(["http://a:8545", "https://b.example/v2/key#priority=1&rps=50"])).toEqual([
      { url: "http://a:8545" },
      { url: "https://b.example/v2/key", priority: 1, maxRps: 50 },
    ]);
  });
  it("names the bad entry without echoing its URL", () => {
    expect(() => parseEndpoints(["ws://secret-key@x"])).toThrow(/endpoint 1 is not an http/);
    expect(() => parseEndpoints(["http://a#rps=fast"])).toThrow(/endpoint 1: rps/);
    expect(() => parseEndpoints(["http://a#weight=2"])).toThrow(/unknown option weight/);
  });
});
