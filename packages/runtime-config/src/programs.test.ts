import { describe, expect, it } from "vitest";
import { ConfigSchema, configAtStart, loadConfig } from "./config.ts";
import { programs, programVariables, type SliceName, slices, sliceVariables } from "./programs.ts";

const sliceNames = Object.keys(slices) as SliceName[];

describe("slices and programs", () => {
  it("declare each variable once, and the union is ConfigSchema", () => {
    const all = sliceNames.flatMap(sliceVariables);
    expect(all.length).toBe(new Set(all).size);
    expect(new Set(Object.keys(ConfigSchema.shape))).toEqual(new Set(all));
  });

  it("give every slice a reader", () => {
    const composed = new Set(Object.values(programs).flat());
    expect(sliceNames.filter((s) => !composed.has(s))).toEqual([]);
  });

  it("validate only what the program reads", () => {
    // the web does not read API_PORT: a bad one is query-api's failure, not the web's
    expect(loadConfig({ API_PORT: "70000", WEB_PORT: "3001" }, "web").WEB_PORT).toBe(3001);
    expect(() => loadConfig({ API_PORT: "70000" }, "query-api")).toThrow(/API_PORT/);
    expect(() => loadConfig({ API_PORT: "70000" })).toThrow(/API_PORT/);
    expect(() => loadConfig({ REORG_DEPTH: "0" }, "processor")).not.toThrow();
    expect(() => loadConfig({ REORG_DEPTH: "0" }, "ingest")).toThrow(/REORG_DEPTH/);
    expect(programVariables("web").has("MONGODB_URL")).toBe(false);
    expect(programVariables("ingest").has("ETH_WS_URL")).toBe(true);
  });

  it("reads ingest's own variables, --since as seconds", () => {
    const c = loadConfig({ INGEST_SINCE: "180d", INGEST_FROM: "latest" }, "ingest");
    expect([c.INGEST_SINCE, c.INGEST_FROM, c.REORG_DEPTH, c.INGEST_HTTP_HOST]).toEqual([
      180 * 86_400,
      "latest",
      64,
      "127.0.0.1",
    ]);
    expect(() => loadConfig({ INGEST_SINCE: "yesterday" }, "ingest")).toThrow(/INGEST_SINCE/);
  });

  it("stops a program at start with one line naming the variable and what was expected", () => {
    const exit = (line: string): never => {
      throw new Error(line);
    };
    expect(configAtStart("web", { WEB_PORT: "3001" }, exit).WEB_PORT).toBe(3001);
    const lineOf = (env: Record<string, string>, program: "web" | "ingest") => {
      try {
        configAtStart(program, env, exit);
      } catch (error) {
        return (error as Error).message;
      }
      return "no failure";
    };
    const port = lineOf({ WEB_PORT: "70000" }, "web");
    expect(port).toMatch(/^chainlog web: invalid environment variable WEB_PORT: .*65535/);
    expect(port).not.toContain("\n");
    const level = lineOf({ LOG_LEVEL: "loud" }, "ingest");
    expect(level).toMatch(/^chainlog ingest: invalid environment variable LOG_LEVEL: .*"info"/);
    expect(level).not.toContain("\n");
  });
});
