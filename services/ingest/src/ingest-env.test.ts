import { describe, expect, it } from "vitest";
import { argvOverrides, loadIngestEnv } from "./ingest-env.ts";

describe("ingest environment", () => {
  it("has defaults and parses --from/--to/--since", () => {
    const env = loadIngestEnv({ ...argvOverrides(["--from", "100", "--to=200", "--since", "180d"]) });
    expect(env).toMatchObject({
      REORG_DEPTH: 64,
      MAX_LAG: 5,
      INGEST_FROM: 100,
      INGEST_TO: 200,
      INGEST_SINCE: 180 * 86_400,
    });
    expect(loadIngestEnv({ INGEST_FROM: "latest" }).INGEST_FROM).toBe("latest");
  });
  it("names the bad variable", () => {
    expect(() => loadIngestEnv({ REORG_DEPTH: "0" })).toThrow(/REORG_DEPTH/);
    expect(() => loadIngestEnv({ INGEST_SINCE: "yesterday" })).toThrow(/INGEST_SINCE/);
    expect(() => argvOverrides(["--to"])).toThrow(/--to needs a value/);
  });
});
