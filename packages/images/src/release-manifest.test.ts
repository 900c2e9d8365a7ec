import { describe, expect, it } from "vitest";
import { mergeRelease, parseReleaseManifest, type ReleasedImage, releasedImage } from "./release-manifest.ts";

const image = (d: string): ReleasedImage => ({
  digest: `sha256:${d.repeat(64)}`,
  base: `sha256:${"b".repeat(64)}`,
  commit: "c".repeat(40),
  sizeBytes: 150_000_000,
  compressedBytes: 50_000_000,
  sbomSha256: "d".repeat(64),
});

describe("release manifest", () => {
  const published = { schemaVersion: 1 as const, services: { ingest: { "0.1.0": image("1") } } };

  it("adds new versions and keeps released ones immutable", () => {
    const merged = mergeRelease(published, {
      schemaVersion: 1,
      services: { ingest: { "0.2.0": image("2") } },
    });
    expect(Object.keys(merged.services.ingest ?? {})).toEqual(["0.1.0", "0.2.0"]);
    expect(mergeRelease(published, published)).toEqual(published);
    expect(() =>
      mergeRelease(published, { schemaVersion: 1, services: { ingest: { "0.1.0": image("3") } } }),
    ).toThrow(/ingest 0.1.0 was released as sha256:1{64}; this build is sha256:3{64}: bump its version/);
  });

  it("refuses a version that was never released", () => {
    expect(releasedImage(published, "ingest", "0.1.0", "m.json").digest).toBe(`sha256:${"1".repeat(64)}`);
    expect(() => releasedImage(published, "ingest", "9.9.9", "m.json")).toThrow(
      /ingest 9.9.9 was never released \(m.json has 0.1.0\)/,
    );
    expect(() => releasedImage(published, "lake", "0.1.0", "m.json")).toThrow(/no version of it/);
  });

  it("rejects malformed manifests with the path of the bad field", () => {
    expect(() => parseReleaseManifest("{", "x.json")).toThrow(/x.json is not JSON/);
    const bad = JSON.stringify({
      schemaVersion: 1,
      services: { ingest: { "0.1.0": { ...image("1"), digest: "latest" } } },
    });
    expect(() => parseReleaseManifest(bad, "x.json")).toThrow(
      /services.ingest.0.1.0.digest: a sha256 digest/,
    );
  });
});
