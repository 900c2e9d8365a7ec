import { Writable } from "node:stream";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { ChainlogError } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../server.ts";
import { type ApiHarness, openApiHarness, sampleChain } from "../test-support/api-harness.ts";
import { ApiError, NotFoundError, RateLimitedError, UnauthenticatedError } from "./errors.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await openApiHarness({ blocks: sampleChain(1) });
});
afterAll(async () => h?.close());

describe("API errors", () => {
  it("derive from the one base error: short message, cause, retryable", () => {
    const notFound = new NotFoundError("no block 7");
    expect(notFound).toBeInstanceOf(ApiError);
    expect(notFound).toBeInstanceOf(ChainlogError);
    expect(notFound.name).toBe("NotFoundError");
    expect(notFound.toBody()).toEqual({ error: { code: "not_found", message: "no block 7" } });
    expect(notFound.retryable).toBe(false);
    expect(new RateLimitedError(2, 10).retryable).toBe(true);
    expect(new UnauthenticatedError().message).toBe("authentication required");
    const cause = new Error("socket hang up");
    const wrapped = new ApiError(503, "unavailable", "the node did not answer", undefined, undefined, {
      cause,
    });
    expect(wrapped.cause).toBe(cause);
    expect(wrapped.shortMessage).toBe("the node did not answer");
    expect(wrapped.retryable).toBe(true);
  });

  it("log a failed request with its cause chain, and answer a generic 500 without it", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // Fault injection: the real store, with one read failing the way a driver error wrapped by an adapter would.
    const store = Object.assign(Object.create(h.store) as typeof h.store, {
      getLatestBlock: async () => {
        throw new ChainlogError("store read failed", {
          cause: new Error("SQLITE_IOERR: disk I/O error"),
          retryable: true,
        });
      },
    });
    const app = await createApiServer({
      store,
      meta: h.meta,
      logger: createLogger("query-api-test", "error", sink),
      metrics: createMetricsRegistry("query-api-test"),
    });
    try {
      const res = await app.inject("/v1/blocks/latest");
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain("SQLITE");
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "request failed");
      expect(logged?.err.message).toContain("store read failed");
      expect(logged?.err.message).toContain("SQLITE_IOERR: disk I/O error");
      expect(logged?.err.stack).toContain("caused by");
    } finally {
      await app.close();
    }
  });
});
