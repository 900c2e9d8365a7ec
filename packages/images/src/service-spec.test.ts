import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listServices, readServiceSpec, repoRoot, ServiceSpecError } from "./service-spec.ts";

describe("service image specs", () => {
  it("finds every directory under services/ and gives each a port, listen address and data path", () => {
    const specs = listServices();
    expect(specs.map((s) => s.service)).toEqual(
      expect.arrayContaining(["ingest", "processor", "query-api", "web"]),
    );
    for (const s of specs) {
      expect(s.env[s.portEnv]).toBe(String(s.port));
      expect(s.env[s.hostEnv]).toBe("0.0.0.0");
      expect(s.env.CHAINLOG_DATA_DIR).toBe("/data");
      expect(s.env.CHAINLOG_MODE).toBeUndefined();
    }
    expect(new Set(specs.map((s) => s.port)).size).toBe(specs.length);
  });

  it("tells a new service what it lacks to be released", () => {
    const dir = mkdtempSync(join(tmpdir(), "chainlog-spec-"));
    const svc = join(dir, "lake");
    try {
      cpSync(join(repoRoot, "services/ingest/package.json"), join(svc, "package.json"));
      const pkg = JSON.parse(readFileSync(join(svc, "package.json"), "utf8"));
      writeFileSync(
        join(svc, "package.json"),
        JSON.stringify({ ...pkg, name: "@chainlog/lake", chainlog: undefined }),
      );
      expect(() => readServiceSpec(svc)).toThrow(ServiceSpecError);
      expect(() => readServiceSpec(svc)).toThrow(
        /services\/lake\/package.json has no "chainlog": \{ "image"/,
      );
      writeFileSync(
        join(svc, "package.json"),
        JSON.stringify({ ...pkg, name: "@chainlog/lake", scripts: {} }),
      );
      expect(() => readServiceSpec(svc)).toThrow(/"build" script must run chainlog-bundle/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
