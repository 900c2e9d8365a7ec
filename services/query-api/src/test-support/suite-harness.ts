import { afterAll, beforeAll } from "vitest";
import { type ApiHarness, openApiHarness } from "./api-harness.ts";

/**
 * A harness for the tests of one suite (call it inside `describe`): opened before them, closed after them. The
 * answer gives the open harness to a test, and says so when a test asks for it before the suite started it.
 */
export function apiHarnessForSuite(options: Parameters<typeof openApiHarness>[0] = {}): () => ApiHarness {
  let harness: ApiHarness | undefined;
  beforeAll(async () => {
    harness = await openApiHarness(options);
  });
  afterAll(async () => harness?.close());
  return () => {
    if (!harness) throw new Error("the suite's API harness is not open: use it inside the suite's tests");
    return harness;
  };
}
