import { spawnSync } from "node:child_process";
import { slices, variableRows } from "@chainlog/runtime-config";
import { describe, expect, it } from "vitest";
import { describeConfig } from "./config-command.ts";
import { repoRoot } from "./repo-root.ts";

/** `pnpm chainlog config …` as a user runs it, in an environment of only `env` (and PATH). */
function chainlogConfig(args: string[], env: Record<string, string>) {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "packages/launcher/src/main.ts", "config", ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("chainlog config", () => {
  it("lists every slice's variables with their defaults, and passes a valid environment", () => {
    const { code, stdout, stderr } = chainlogConfig([], { CHAINLOG_MODE: "cluster", API_PORT: "4001" });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const slice of Object.keys(slices))
      expect(stdout).toMatch(new RegExp(`^${literal(slice)} \\(read by `, "m"));
    for (const row of variableRows())
      expect(stdout, row.name).toMatch(new RegExp(`^  ${row.name} +${literal(row.default ?? "—")} `, "m"));
    expect(stdout).toMatch(/^ {2}CHAINLOG_MODE +embedded +embedded \(SQLite files\)/m);
    expect(stdout).toMatch(/^ {2}API_PORT +4000 /m);
    expect(stdout).toMatch(/^ {2}CHAINLOG_LEADER_LEASE +15s /m);
    expect(stdout).toMatch(/^ {2}KAFKA_BROKERS +127\.0\.0\.1:9092 /m);
    expect(stdout).toMatch(/^ {2}WEB_DIST_DIR +— /m);
    expect(stdout).toMatch(/^ {2}ingest +shared, rpc, pod, bus, kafka, cassandra, mongodb, aws, ingest$/m);
    expect(stdout).toContain("this environment: 2 of these set, all valid");
  });

  it("flags the values that fail validation, naming the variable and never echoing the value", () => {
    const { code, stdout } = chainlogConfig([], {
      API_PORT: "70000",
      CASSANDRA_KEYSPACE: "Secret-Keyspace",
      LOG_LEVEL: "loud",
    });
    expect(code).toBe(1);
    expect(stdout).toContain("this environment: 3 invalid:");
    expect(stdout).toMatch(/^ {2}API_PORT: .*65535/m);
    expect(stdout).toMatch(/^ {2}LOG_LEVEL: .*"info"/m);
    expect(stdout).toMatch(/^ {2}CASSANDRA_KEYSPACE: /m);
    expect(stdout).not.toContain("Secret-Keyspace");
  });

  it("shows one program's slices, and what only a combination of values gets wrong", () => {
    const web = describeConfig({ API_PORT: "70000" }, "web");
    expect(web.text).toContain("WEB_DIST_DIR");
    expect(web.text).not.toContain("API_PORT");
    expect(web.problems).toEqual([]);
    const cassandra = describeConfig({ CASSANDRA_AUTH: "password", CASSANDRA_USERNAME: "chainlog" });
    expect(cassandra.problems).toEqual([
      "CASSANDRA_AUTH=password needs CASSANDRA_USERNAME and CASSANDRA_PASSWORD",
    ]);
    const help = chainlogConfig(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: chainlog config");
  });
});
