import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PruneError, productionClosure, pruneNodeModules, runsOn } from "./prune-node-modules.ts";

let app: string;
const pkg = (path: string, manifest: Record<string, unknown>) => {
  mkdirSync(join(app, path), { recursive: true });
  writeFileSync(join(app, path, "package.json"), JSON.stringify({ version: "1.0.0", ...manifest }));
  writeFileSync(join(app, path, "index.js"), "");
};

beforeEach(() => {
  app = mkdtempSync(join(tmpdir(), "chainlog-prune-"));
  // A hoisted install as `pnpm deploy --prod` lays it out, with things the bundle never loads.
  // A production dependency that lists type declarations among its dependencies (aws-msk-iam-sasl-signer-js does).
  pkg("node_modules/fastify", {
    name: "fastify",
    dependencies: { avvio: "1", pino: "1", "@types/buffers": "0" },
  });
  pkg("node_modules/@types/buffers", { name: "@types/buffers", dependencies: { "@types/node": "20" } });
  pkg("node_modules/@types/node", { name: "@types/node" });
  pkg("node_modules/avvio", { name: "avvio" });
  pkg("node_modules/pino", { name: "pino", version: "9.0.0", dependencies: { "sonic-boom": "2" } });
  pkg("node_modules/sonic-boom", { name: "sonic-boom", version: "4.0.0" });
  // A nested copy wins over the hoisted one for its parent.
  pkg("node_modules/pino/node_modules/sonic-boom", { name: "sonic-boom", version: "3.0.0" });
  pkg("node_modules/libsql", {
    name: "libsql",
    optionalDependencies: {
      "@libsql/linux-x64-gnu": "1",
      "@libsql/linux-x64-musl": "1",
      "@libsql/darwin-arm64": "1",
    },
    peerDependencies: { typescript: "5" },
    peerDependenciesMeta: { typescript: { optional: true } },
  });
  pkg("node_modules/@libsql/linux-x64-gnu", {
    name: "@libsql/linux-x64-gnu",
    os: ["linux"],
    cpu: ["x64"],
    libc: ["glibc"],
  });
  pkg("node_modules/@libsql/linux-x64-musl", {
    name: "@libsql/linux-x64-musl",
    os: ["linux"],
    cpu: ["x64"],
    neon: { node: "linux-x64-musl" },
  });
  pkg("node_modules/@libsql/darwin-arm64", { name: "@libsql/darwin-arm64", os: ["darwin"], cpu: ["arm64"] });
  pkg("node_modules/typescript", { name: "typescript" });
  pkg("node_modules/vitest", { name: "vitest" });
  pkg("node_modules/@chainlog/ports", { name: "@chainlog/ports", dependencies: { vitest: "4" } });
  mkdirSync(join(app, "node_modules/.bin"));
});
afterEach(() => rmSync(app, { recursive: true, force: true }));

describe("pruneNodeModules", () => {
  it("keeps only the bundle's imports and what they need on linux-x64-glibc", () => {
    const kept = pruneNodeModules(app, ["fastify", "libsql"]);
    expect(kept.map((p) => `${p.name}@${p.version}`)).toEqual([
      "@libsql/linux-x64-gnu@1.0.0",
      "avvio@1.0.0",
      "fastify@1.0.0",
      "libsql@1.0.0",
      "pino@9.0.0",
      "sonic-boom@3.0.0",
    ]);
    // The hoisted sonic-boom@4 serves nobody once pino's own copy is found first.
    expect(existsSync(join(app, "node_modules/sonic-boom"))).toBe(false);
    for (const gone of [
      "vitest",
      "typescript",
      "@chainlog",
      "@types",
      "@libsql/linux-x64-musl",
      "@libsql/darwin-arm64",
      ".bin",
    ]) {
      expect(existsSync(join(app, "node_modules", gone))).toBe(false);
    }
    expect(existsSync(join(app, "node_modules/pino/node_modules/sonic-boom/index.js"))).toBe(true);
  });

  it("fails on a missing required dependency instead of shipping a broken image", () => {
    rmSync(join(app, "node_modules/avvio"), { recursive: true });
    expect(() => productionClosure(app, ["fastify"])).toThrow(PruneError);
    expect(() => productionClosure(app, ["fastify"])).toThrow(/avvio, required by fastify@1.0.0/);
  });

  it("reads npm's os/cpu/libc fields, negations included", () => {
    const target = { os: "linux", cpu: "x64", libc: "glibc" };
    expect(runsOn({ os: ["!win32"] }, target)).toBe(true);
    expect(runsOn({ cpu: ["arm64"] }, target)).toBe(false);
    expect(runsOn({ libc: ["musl"] }, target)).toBe(false);
    expect(runsOn({}, target)).toBe(true);
  });
});
