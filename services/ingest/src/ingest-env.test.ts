import { loadConfig } from "@chainlog/runtime-config";
import { describe, expect, it } from "vitest";
import { argvOverrides } from "./ingest-env.ts";

describe("ingest environment", () => {
  it("has defaults and parses --from/--to/--since", () => {
    const config = loadConfig(argvOverrides(["--from", "100", "--to=200", "--since", "180d"]), "ingest");
    expect(config).toMatchObject({
      REORG_DEPTH: 64,
      MAX_LAG: 5,
      INGEST_FROM: 100,
      INGEST_TO: 200,
      INGEST_SINCE: 180 * 86_400,
    });
    expect(loadConfig({ INGEST_FROM: "latest" }, "ingest").INGEST_FROM).toBe("latest");
  });
  it("names the bad variable", () => {
    expect(() => loadConfig({ REORG_DEPTH: "0" }, "ingest")).toThrow(/REORG_DEPTH/);
    expect(() => loadConfig({ INGEST_SINCE: "yesterday" }, "ingest")).toThrow(/INGEST_SINCE/);
    expect(() => argvOverrides(["--to"])).toThrow(/--to needs a value/);
  });
});
