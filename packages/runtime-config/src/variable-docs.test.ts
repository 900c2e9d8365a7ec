import { describe, expect, it } from "vitest";
import { invalidVariables, readersOf, variableRows } from "./variable-docs.ts";

describe("variable docs", () => {
  const rows = new Map(variableRows().map((r) => [r.name, r]));

  it("describe every variable in one line", () => {
    const undocumented = [...rows.values()].filter((r) => !r.description || r.description.includes("\n"));
    expect(undocumented.map((r) => r.name)).toEqual([]);
  });

  it("show defaults the way a user writes them", () => {
    const shown = (name: string) => rows.get(name)?.default;
    expect(shown("CHAINLOG_MODE")).toBe("embedded");
    expect(shown("API_PORT")).toBe("4000");
    expect(shown("KAFKA_BROKERS")).toBe("127.0.0.1:9092");
    expect(shown("PROCESSOR_ENRICH")).toBe("true");
    expect(shown("CHAINLOG_LEADER_LEASE")).toBe("15s");
    expect(shown("BUS_PARTITIONS")).toBe("1 embedded, 8 cluster");
    expect(shown("WATCHED_ADDRESSES")).toBe("none");
    expect(shown("ETH_RPC_URL")).toBeUndefined();
    expect(rows.get("WEB_DIST_DIR")?.slice).toBe("web");
    expect(readersOf("web")).toEqual(["web", "launcher"]);
  });

  it("flag set values their schema refuses, without echoing them", () => {
    const bad = invalidVariables({
      API_PORT: "70000",
      MONGODB_URL: "mongodb://u:hunter2@db/chainlog",
      CASSANDRA_KEYSPACE: "Hunter2-Keyspace",
      LOG_LEVEL: "",
      UNRELATED: "x",
    });
    expect(bad.map((b) => b.name)).toEqual(["CASSANDRA_KEYSPACE", "API_PORT"]);
    expect(JSON.stringify(bad)).not.toContain("Hunter2");
  });
});
