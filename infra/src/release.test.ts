import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { serviceNames } from "./settings.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(root + path, "utf8");

describe("release artefacts", () => {
  it("gives every service a multi-stage, non-root Dockerfile built from `turbo prune --docker`", () => {
    for (const name of serviceNames) {
      const file = read(`services/${name}/Dockerfile`);
      expect(file).toContain(`turbo prune @chainlog/${name} --docker`);
      expect(file).toContain("pnpm install --frozen-lockfile");
      expect(file.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
      // Every base image is pinned by version and digest, never a floating tag.
      const stages = new Set([...file.matchAll(/^FROM \S+ AS (\S+)/gm)].map((m) => m[1]));
      const externals = [...file.matchAll(/^FROM (\S+)/gm)]
        .map((m) => m[1])
        .filter((image) => !stages.has(image));
      expect(externals.length).toBeGreaterThanOrEqual(2);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Dockerfile ARG reference
      const pinnedBase = "node:${NODE_VERSION}-bookworm-slim@${NODE_DIGEST}";
      for (const image of externals) expect(image).toBe(pinnedBase);
      const user = file.match(/^USER (\S+)/m)?.[1];
      expect(user).toBeDefined();
      expect(user?.startsWith("0") || user === "root").toBe(false);
      expect(file).toContain(`services/${name}/src/main.ts`);
    }
  });

  it("pins the base image version and documents the digest in one place", () => {
    const env = Object.fromEntries(
      read("infra/release/node-base.env")
        .split("\n")
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => l.split("=") as [string, string]),
    );
    expect(env.NODE_VERSION).toMatch(/^20\.\d+\.\d+$/);
    expect(env.NODE_DIGEST).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("versions packages independently with changesets", () => {
    const config = JSON.parse(read(".changeset/config.json")) as { fixed: unknown[]; linked: unknown[] };
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
  });

  it("builds images only for services affected since the previous release", () => {
    const workflow = parse(read(".github/workflows/release.yml")) as {
      jobs: Record<string, { steps?: { run?: string; with?: Record<string, string> }[] }>;
    };
    const script = (workflow.jobs.affected?.steps ?? []).map((s) => s.run ?? "").join("\n");
    expect(script).toMatch(/turbo ls --filter="\.\.\.\[\$\{SINCE\}\]"/);
    const build = (workflow.jobs.image?.steps ?? []).find((s) => s.with?.file);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal GitHub Actions expression
    expect(build?.with?.file).toBe("services/${{ matrix.service }}/Dockerfile");
    expect(existsSync(`${root}Pulumi.yaml`)).toBe(true);
  });
});
