import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("reads the leader lease as a duration, off, or refuses it naming the variable", () => {
    expect(loadConfig({}).CHAINLOG_LEADER_LEASE).toBe(15_000);
    expect(loadConfig({ CHAINLOG_LEADER_LEASE: "3s" }).CHAINLOG_LEADER_LEASE).toBe(3_000);
    expect(loadConfig({ CHAINLOG_LEADER_LEASE: "1500ms" }).CHAINLOG_LEADER_LEASE).toBe(1_500);
    expect(loadConfig({ CHAINLOG_LEADER_LEASE: "1m" }).CHAINLOG_LEADER_LEASE).toBe(60_000);
    expect(loadConfig({ CHAINLOG_LEADER_LEASE: "off" }).CHAINLOG_LEADER_LEASE).toBe(0);
    for (const bad of ["15", "chainlog-ingest-leader", "500ms", "11m"])
      expect(() => loadConfig({ CHAINLOG_LEADER_LEASE: bad }), bad).toThrow(/CHAINLOG_LEADER_LEASE/);
    const pod = loadConfig({ POD_NAME: "ingest-7d9f", POD_NAMESPACE: "chainlog" });
    expect([pod.POD_NAMESPACE, pod.POD_NAME]).toEqual(["chainlog", "ingest-7d9f"]);
  });

  it("maps the auth modes the infra sets, and refuses incomplete ones", () => {
    expect(loadConfig({}).KAFKA_AUTH).toBe("none");
    expect(loadConfig({ KAFKA_AUTH: "aws-msk-iam", AWS_REGION: "eu-west-1" }).KAFKA_AUTH).toBe("aws-msk-iam");
    expect(() => loadConfig({ KAFKA_AUTH: "scram" })).toThrow(/KAFKA_AUTH/);
    expect(() => loadConfig({ AWS_REGION: "Europe" })).toThrow(/AWS_REGION/);
    expect(loadConfig({}).CASSANDRA_AUTH).toBe("none");
    expect(loadConfig({ CASSANDRA_USERNAME: "chainlog", CASSANDRA_PASSWORD: "s" }).CASSANDRA_AUTH).toBe(
      "password",
    );
    expect(loadConfig({ CASSANDRA_AUTH: "aws-sigv4", AWS_REGION: "us-east-1" }).CASSANDRA_AUTH).toBe(
      "aws-sigv4",
    );
    expect(() => loadConfig({ CASSANDRA_AUTH: "password", CASSANDRA_USERNAME: "chainlog" })).toThrow(
      /CASSANDRA_PASSWORD/,
    );
    expect(loadConfig({ CHAINLOG_EXPORT_BUCKET: "chainlog-prod-exports" }).CHAINLOG_EXPORT_BUCKET).toBe(
      "chainlog-prod-exports",
    );
    expect(() => loadConfig({ CHAINLOG_EXPORT_BUCKET: "s3://x" })).toThrow(/CHAINLOG_EXPORT_BUCKET/);
  });

  it("puts the metadata store where CHAINLOG_MODE says, unless CHAINLOG_METASTORE does", () => {
    expect(loadConfig({}).CHAINLOG_METASTORE).toBe("embedded");
    expect(loadConfig({ CHAINLOG_MODE: "cluster" }).CHAINLOG_METASTORE).toBe("mongodb");
    expect(loadConfig({ CHAINLOG_METASTORE: "mongodb" }).CHAINLOG_METASTORE).toBe("mongodb");
  });

  it("defaults to the embedded mode with documented ports", () => {
    const c = loadConfig({});
    expect(c.CHAINLOG_MODE).toBe("embedded");
    expect(c.API_PORT).toBe(4000);
    expect(c.WEB_PORT).toBe(3000);
    expect(c.rpcUrls).toEqual([]);
    expect(c.dataDir.endsWith(".chainlog")).toBe(true);
  });

  it("prefers ETH_RPC_URLS over ETH_RPC_URL and splits it", () => {
    expect(loadConfig({ ETH_RPC_URL: "http://a" }).rpcUrls).toEqual(["http://a"]);
    expect(
      loadConfig({ ETH_RPC_URL: "http://a", ETH_RPC_URLS: "http://b, http://c#priority=2" }).rpcUrls,
    ).toEqual(["http://b", "http://c#priority=2"]);
  });

  it("gives the bus one partition embedded and eight in cluster mode, unless set", () => {
    expect(loadConfig({}).BUS_PARTITIONS).toBe(1);
    expect(loadConfig({ CHAINLOG_MODE: "cluster" }).BUS_PARTITIONS).toBe(8);
    expect(loadConfig({ BUS_PARTITIONS: "4" }).BUS_PARTITIONS).toBe(4);
    expect(() => loadConfig({ BUS_PARTITIONS: "0" })).toThrow(/BUS_PARTITIONS/);
  });

  it("names the bad variable", () => {
    expect(() => loadConfig({ API_PORT: "70000" })).toThrow(ConfigError);
    expect(() => loadConfig({ API_PORT: "70000" })).toThrow(/API_PORT/);
    expect(() => loadConfig({ CHAINLOG_MODE: "cloud" })).toThrow(/CHAINLOG_MODE/);
  });

  it("treats empty values as unset and splits lists", () => {
    const c = loadConfig({ API_PORT: "", KAFKA_BROKERS: "127.0.0.1:9092,127.0.0.1:9094" });
    expect(c.API_PORT).toBe(4000);
    expect(c.KAFKA_BROKERS).toEqual(["127.0.0.1:9092", "127.0.0.1:9094"]);
  });

  it("reads the processor's enrichment settings: lower-cased address lists, trace mode, bounded retries", () => {
    const c = loadConfig({
      WATCHED_ADDRESSES:
        "0x000000000000000000000000000000000000A11C, 0x0000000000000000000000000000000000000b0b",
      WETH_ADDRESS: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
      PROCESSOR_TRACES: "off",
    });
    expect(c.WATCHED_ADDRESSES).toEqual([
      "0x000000000000000000000000000000000000a11c",
      "0x0000000000000000000000000000000000000b0b",
    ]);
    expect(c.WETH_ADDRESS).toBe("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2");
    expect(c.STABLECOIN_ADDRESSES).toBeUndefined();
    expect(c.PROCESSOR_TRACES).toBe("off");
    expect(loadConfig({}).PROCESSOR_TRACES).toBe("auto");
    expect(loadConfig({}).PROCESSOR_ENRICH_RETRY_MS).toBe(30_000);
    expect(() => loadConfig({ STABLECOIN_ADDRESSES: "0x1234" })).toThrow(/STABLECOIN_ADDRESSES/);
    expect(() => loadConfig({ PROCESSOR_TRACES: "sometimes" })).toThrow(/PROCESSOR_TRACES/);
    // watchlists: 0 turns them off; anything else is a refresh period from 100 ms to an hour
    expect(loadConfig({ PROCESSOR_WATCHLIST_REFRESH_MS: "0" }).PROCESSOR_WATCHLIST_REFRESH_MS).toBe(0);
    expect(loadConfig({}).PROCESSOR_WATCHLIST_REFRESH_MS).toBe(5_000);
    expect(() => loadConfig({ PROCESSOR_WATCHLIST_REFRESH_MS: "50" })).toThrow(
      /PROCESSOR_WATCHLIST_REFRESH_MS/,
    );
  });
});
