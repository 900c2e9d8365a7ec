import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { charts } from "../versions.ts";
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

  it("records the published sha256 of each chart, except the two no offline index had (each says why)", () => {
    const unverified = Object.entries(lock).filter(([, c]) => c.digest === null);
    // Exactly these: a new chart without a digest fails here, and so does one of these once recorded.
    expect(unverified.map(([name]) => name).sort()).toEqual(["cass-operator", "mongodb-kubernetes"]);
    for (const [, c] of unverified) expect(c.unverifiedDigest?.length).toBeGreaterThan(20);
    for (const [name, c] of Object.entries(lock).filter(([, x]) => x.digest !== null)) {
      expect(c.digest, name).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(c.url, name).toContain(`${c.version}.tgz`);
      expect(c.index, name).toMatch(/index\.yaml/);
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
