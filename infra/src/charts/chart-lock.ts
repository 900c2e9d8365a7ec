import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

/** infra/charts: the chart lock and the values schemas it names. */
export const chartsDir = fileURLToPath(new URL("../../charts/", import.meta.url));

export interface LockedChart {
  repo: string;
  version: string;
  /** sha256 of the chart .tgz as the repository's index.yaml publishes it; null when no copy was available. */
  digest: string | null;
  unverifiedDigest?: string;
  url?: string;
  /** Where the digest was read. */
  index?: string;
  /** Path of the values schema, relative to infra/charts. */
  schema: string;
  schemaSource: string;
}

export function readChartLock(): Record<string, LockedChart> {
  return (
    JSON.parse(readFileSync(`${chartsDir}lock.json`, "utf8")) as { charts: Record<string, LockedChart> }
  ).charts;
}

export class ChartValuesError extends Error {
  override name = "ChartValuesError";
}

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

function describeError(e: ErrorObject): string {
  const at = e.instancePath || "/";
  if (e.keyword === "additionalProperties")
    return `${at === "/" ? "" : at}/${String(e.params.additionalProperty)}: the chart has no such value`;
  return `${at}: ${e.message ?? e.keyword}`;
}

/**
 * Checks one Helm release against the lock: same repository and version, values valid against the chart's
 * values schema. Returns one line per problem, each naming the value's path (`/operator/watchNamespaces`).
 */
export function checkRelease(
  lock: Record<string, LockedChart>,
  release: { chart: string; version?: string; repo?: string; values?: unknown },
): string[] {
  const locked = lock[release.chart];
  if (!locked) return [`${release.chart}: not in infra/charts/lock.json`];
  const problems: string[] = [];
  if (release.version !== locked.version)
    problems.push(`${release.chart}: version ${release.version} but the lock pins ${locked.version}`);
  if (release.repo !== locked.repo)
    problems.push(`${release.chart}: repository ${release.repo} but the lock has ${locked.repo}`);
  let validate = compiled.get(locked.schema);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(chartsDir + locked.schema, "utf8")));
    compiled.set(locked.schema, validate);
  }
  if (!validate(release.values ?? {}))
    for (const e of validate.errors ?? []) problems.push(`${release.chart} values ${describeError(e)}`);
  return problems;
}
