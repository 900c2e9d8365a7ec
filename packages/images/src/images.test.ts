import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { archivePath, readBuiltRelease, releaseFile, sbomPath } from "./build-images.ts";
import {
  type ImageFacts,
  imageViolations,
  inspectOciArchive,
  isTooling,
  maxImageBytes,
} from "./inspect-image.ts";
import { ociArchiveDigest } from "./oci-archive.ts";
import { containerRuntime, listServices } from "./service-spec.ts";

const services = listServices();
// `.ci/run` builds the images first and sets CHAINLOG_REQUIRE_IMAGES=1, so there a missing image fails; elsewhere
// the inspection runs whenever `pnpm images build` has been run.
const built = existsSync(releaseFile);
if (!built && process.env.CHAINLOG_REQUIRE_IMAGES === "1") {
  throw new Error(`${releaseFile} is missing: run pnpm images build before the tests`);
}
if (!built) console.warn(`images.test: no ${releaseFile}; run \`pnpm images build\` to inspect the images`);

describe.runIf(built)("each built image", () => {
  const release = built
    ? readBuiltRelease()
    : { services: {} as Record<string, Record<string, { digest: string }>> };
  for (const spec of services) {
    describe(`${spec.service} ${spec.version}`, () => {
      let facts: ImageFacts;
      it("is in the release manifest with the digest of its OCI archive, and has an SBOM", async () => {
        const entry = release.services[spec.service]?.[spec.version];
        expect(entry, `${spec.service} ${spec.version} in ${releaseFile}`).toBeDefined();
        expect(await ociArchiveDigest(archivePath(spec.service, spec.version))).toBe(entry?.digest);
        expect(existsSync(sbomPath(spec.service, spec.version))).toBe(true);
        facts = await inspectOciArchive(archivePath(spec.service, spec.version));
      });

      it("runs node dist/main.js as the non-root service user, never tsx", () => {
        expect(facts.user).toBe(`${containerRuntime.uid}:${containerRuntime.gid}`);
        expect([...facts.entrypoint, ...facts.cmd]).toEqual(["/usr/local/bin/node", "dist/main.js"]);
        expect(facts.files.filter((f) => /\/tsx(\/|$)/.test(f))).toEqual([]);
        expect(facts.files).toContain("/app/dist/main.js");
        expect(
          facts.files.filter(
            (f) => f.startsWith("/app/") && !f.includes("/node_modules/") && f.endsWith(".ts"),
          ),
        ).toEqual([]);
      });

      it("ships production dependencies only: no devDependency, no build or test tool", () => {
        expect(facts.packages.length).toBeGreaterThan(0);
        expect(facts.packages.filter(isTooling)).toEqual([]);
        expect(imageViolations(spec, facts)).toEqual([]);
      });

      it(`is within ${maxImageBytes / 1e6} MB uncompressed, with a writable data volume and no baked-in mode`, () => {
        expect(facts.sizeBytes).toBeLessThanOrEqual(maxImageBytes);
        expect(facts.volumes).toEqual([containerRuntime.dataDir]);
        expect(facts.env.CHAINLOG_DATA_DIR).toBe(containerRuntime.dataDir);
        expect(facts.env.CHAINLOG_MODE).toBeUndefined();
        expect(facts.exposedPorts).toEqual([`${spec.port}/tcp`]);
      });
    });
  }
});

describe("imageViolations", () => {
  const spec = services.find((s) => s.service === "query-api") ?? services[0]!;
  const good: ImageFacts = {
    user: "10001:10001",
    entrypoint: ["/usr/local/bin/node", "dist/main.js"],
    cmd: [],
    env: spec.env,
    exposedPorts: [`${spec.port}/tcp`],
    volumes: ["/data"],
    sizeBytes: 150e6,
    compressedBytes: 50e6,
    files: ["/app/dist/main.js", "/app/node_modules/fastify/package.json"],
    packages: ["fastify"],
  };

  it("accepts an image built to the rules", () => {
    expect(imageViolations(spec, good)).toEqual([]);
  });

  it("names every rule an image breaks", () => {
    const bad: ImageFacts = {
      ...good,
      user: "0:0",
      entrypoint: ["node", "--import", "tsx", "src/main.ts"],
      env: { ...spec.env, CHAINLOG_MODE: "cluster" },
      sizeBytes: maxImageBytes + 1,
      files: ["/app/src/main.ts", "/app/node_modules/@chainlog/ports/src/index.ts"],
      packages: ["fastify", "tsx", "autocannon"],
    };
    const v = imageViolations(spec, bad).join("\n");
    expect(v).toMatch(/runs as "0:0"/);
    expect(v).toMatch(/loads tsx/);
    expect(v).toMatch(/over 250000000/);
    expect(v).toMatch(/ships development packages: tsx, autocannon/);
    expect(v).toMatch(/ships TypeScript sources: \/app\/src\/main.ts/);
    expect(v).toMatch(/workspace packages' sources/);
    expect(v).toMatch(/has no \/app\/dist\/main.js/);
    expect(v).toMatch(/bakes in CHAINLOG_MODE/);
  });
});
