import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { charts, engines, toolImages } from "../versions.ts";
import { chartsDir, checkRelease, readChartLock } from "./chart-lock.ts";

// The stack suite validates every stack's Helm values against these schemas; here: the lock itself, and that
// the check names the offending value's path.

const lock = readChartLock();

describe("infra/charts/lock.json", () => {
  it("pins every chart of versions.ts, same repository and version, with a values schema on disk", () => {
    expect(Object.keys(lock).sort()).toEqual(
      Object.values(charts)
        .map((c) => c.chart)
        .sort(),
    );
    for (const c of Object.values(charts)) {
      expect(lock[c.chart], c.chart).toMatchObject({ repo: c.repo, version: c.version });
      expect(existsSync(chartsDir + lock[c.chart]!.schema), c.chart).toBe(true);
    }
  });

  it("records the published sha256 of every chart; cass-operator alone has none on record, and says why", () => {
    // Every chart but cass-operator must carry the digest its repository index publishes: a new chart without
    // one fails here, and so does cass-operator's exception once its digest is recorded.
    const unverified = Object.entries(lock).filter(([, c]) => c.digest === null);
    expect(unverified.map(([name]) => name)).toEqual(["cass-operator"]);
    expect(unverified[0]![1].unverifiedDigest).toMatch(/index\.yaml/);
    for (const [name, c] of Object.entries(lock).filter(([, x]) => x.digest !== null)) {
      expect(c.digest, name).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(c.unverifiedDigest, name).toBeUndefined();
      expect(c.url, name).toContain(`/${name}-`);
      expect(c.url?.endsWith(`-${c.version}.tgz`), `${name} url ${c.url}`).toBe(true);
      expect(c.index, name).toMatch(/index\.yaml/);
      // the values schema is derived from the chart source of this very version
      expect(c.schema, name).toBe(`schemas/${name}-${c.version}.values.schema.json`);
    }
  });

  it("rejects a misspelt or mistyped value, naming its path", () => {
    const release = { chart: "strimzi-kafka-operator", version: "0.47.0", repo: charts.strimzi.repo };
    expect(checkRelease(lock, { ...release, values: { watchNamespaces: ["chainlog-data"] } })).toEqual([]);
    expect(checkRelease(lock, { ...release, values: { watchNamespace: ["chainlog-data"] } })).toEqual([
      "strimzi-kafka-operator values /watchNamespace: the chart has no such value",
    ]);
    expect(
      checkRelease(lock, {
        ...release,
        values: { resources: { requests: { cpu: "1" } }, watchAnyNamespace: "yes" },
      }),
    ).toEqual(["strimzi-kafka-operator values /watchAnyNamespace: must be boolean"]);
    const keda = { chart: "keda", version: "2.17.2", repo: charts.keda.repo };
    expect(
      checkRelease(lock, { ...keda, values: { podIdentity: { aws: { irsa: { enable: true } } } } }),
    ).toEqual(["keda values /podIdentity/aws/irsa/enable: the chart has no such value"]);
  });

  it("refuses a release of another version or repository than the lock's", () => {
    expect(
      checkRelease(lock, { chart: "keda", version: "2.18.0", repo: charts.keda.repo, values: {} }),
    ).toEqual(["keda: version 2.18.0 but the lock pins 2.17.2"]);
    expect(checkRelease(lock, { chart: "nginx", version: "1.0.0", values: {} })).toEqual([
      "nginx: not in infra/charts/lock.json",
    ]);
  });
});

describe("tool images of versions.ts", () => {
  it("are pinned by digest, and mongodump is of the server version the stacks run", () => {
    for (const image of Object.values(toolImages))
      expect(image).toMatch(/^[^@\s]+:[^@:\s]+@sha256:[0-9a-f]{64}$/);
    expect(toolImages.mongodbTools).toContain(`/mongo:${engines.mongodb}@`);
  });
});
