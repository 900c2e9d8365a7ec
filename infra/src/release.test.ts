import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { containerRuntime, listServices, readReleaseManifest } from "@chainlog/images";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { serviceNames } from "./settings.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(root + path, "utf8");

describe("release artefacts", () => {
  it("builds every service from one Containerfile: a base by digest, the compiled bundle, the image's own user", () => {
    const file = read("packages/images/service.Containerfile");
    // The base is required and by digest (the build passes name@sha256:…); no default, no placeholder.
    expect(file).toMatch(/^ARG BASE_IMAGE$/m);
    expect(file).toMatch(/^FROM \$\{BASE_IMAGE\}$/m);
    expect(file).not.toMatch(/sha256:0{64}/);
    expect(file).toContain(`USER ${containerRuntime.uid}:${containerRuntime.gid}`);
    expect(file).toContain(`VOLUME ["${containerRuntime.dataDir}"]`);
    expect(file).toContain('ENTRYPOINT ["/usr/local/bin/node", "dist/main.js"]');
    expect(file).not.toMatch(/tsx|pnpm install|CHAINLOG_MODE/);
    // Only the staged bundles enter a build context: never node_modules, .chainlog data or a checkout's secrets.
    const ignore = read(".dockerignore")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
    expect(ignore).toEqual(["*", "!.images/stage/"]);
    for (const spec of listServices()) {
      expect(existsSync(`${root}services/${spec.service}/Dockerfile`)).toBe(false);
    }
  });

  it("pins the base image's Node binary by version and integrity, and its Debian packages by name", () => {
    const pins = JSON.parse(read("packages/images/base-image.json")) as {
      node: { version: string; integrity: string };
      debian: { packages: string[] };
    };
    expect(pins.node.version).toMatch(/^20\.\d+\.\d+$/);
    expect(pins.node.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(pins.debian.packages).toEqual(["libc6", "libgcc-s1", "libstdc++6", "ca-certificates", "tzdata"]);
    expect(existsSync(`${root}infra/release/node-base.env`)).toBe(false);
  });

  it("publishes one release manifest with a real digest for every service the stacks deploy", () => {
    const manifest = readReleaseManifest(`${root}infra/release/images.json`);
    for (const name of serviceNames) {
      const versions = Object.entries(manifest.services[name] ?? {});
      expect(versions.length, `${name} in infra/release/images.json`).toBeGreaterThan(0);
      for (const [, image] of versions) {
        expect(image.digest).not.toMatch(/^sha256:0{64}$/);
        expect(image.base).not.toMatch(/^sha256:0{64}$/);
      }
    }
  });

  it("versions packages independently with changesets", () => {
    const config = JSON.parse(read(".changeset/config.json")) as { fixed: unknown[]; linked: unknown[] };
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
  });

  // A formatter once rewrote `---\n"@chainlog/web": patch\n---` as a Markdown heading, and changesets then
  // silently dropped the bump: every pending changeset must keep frontmatter that names real packages.
  it("keeps every pending changeset's frontmatter: real workspace packages and a bump each", () => {
    const packages = new Set(
      ["packages", "services"].flatMap((dir) =>
        readdirSync(root + dir)
          .filter((name) => existsSync(`${root}${dir}/${name}/package.json`))
          .map((name) => (JSON.parse(read(`${dir}/${name}/package.json`)) as { name: string }).name),
      ),
    );
    for (const dir of ["infra", "bench"])
      packages.add((JSON.parse(read(`${dir}/package.json`)) as { name: string }).name);
    const files = readdirSync(`${root}.changeset`).filter((f) => f.endsWith(".md") && f !== "README.md");
    for (const file of files) {
      const frontmatter = /^---\n([\s\S]*?)\n---\n/.exec(read(`.changeset/${file}`))?.[1];
      expect(frontmatter, `.changeset/${file} has no frontmatter`).toBeDefined();
      const bumps = (frontmatter ?? "").split("\n").filter((line) => line.trim() !== "");
      expect(bumps.length, `.changeset/${file} names no package`).toBeGreaterThan(0);
      for (const line of bumps) {
        const [, name, bump] = /^"([^"]+)": (patch|minor|major)$/.exec(line) ?? [];
        expect(bump, `.changeset/${file}: ${line}`).toBeDefined();
        expect(packages.has(name ?? ""), `.changeset/${file}: ${name} is no workspace package`).toBe(true);
      }
    }
  });

  it("builds images only for services affected since the previous release, and records what it pushed", () => {
    const workflow = parse(read(".github/workflows/release.yml")) as {
      jobs: Record<string, { steps?: { run?: string; with?: Record<string, string> }[] }>;
    };
    const script = (workflow.jobs.affected?.steps ?? []).map((s) => s.run ?? "").join("\n");
    expect(script).toMatch(/turbo ls --filter="\.\.\.\[\$\{SINCE\}\]"/);
    const images = (workflow.jobs.images?.steps ?? []).map((s) => s.run ?? "").join("\n");
    // The same commands as a developer's machine and .ci/run: build, smoke, push the archives, record.
    expect(images).toContain("pnpm images build --only");
    expect(images).toContain("pnpm images smoke");
    expect(images).toMatch(/skopeo copy [\s\S]*?"oci-archive:/);
    expect(images).toContain("pnpm images record");
    expect(existsSync(`${root}Pulumi.yaml`)).toBe(true);
  });
});
