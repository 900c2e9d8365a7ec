import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** A JSON Schema (draft-07 subset) for a chart's values. */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  description?: string;
};

/** Where a derived schema came from, kept beside it. */
export interface DerivedFrom {
  /** `<owner>/<repo>@<tag or commit>:<chart folder>` of the chart source the schema was derived from. */
  source: string;
  /** Sub-charts and library charts: their values are not in this chart's values.yaml, so they stay open. */
  openKeys: string[];
}

const valuesRef = /\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

function templateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return templateFiles(path);
    return /\.(ya?ml|tpl|txt|json)$/.test(name) ? [path] : [];
  });
}

/**
 * Paths the templates hand on whole (`toYaml .Values.x`, `range … := .Values.x`, `with .Values.x` then
 * `toYaml .`, `tpl (toYaml .Values.x)`): maps of free keys such as annotations, extraArgs or resources.
 */
export function freeFormPaths(templates: string[]): Set<string> {
  const out = new Set<string>();
  for (const text of templates) {
    for (const m of text.matchAll(/(?:toYaml|toJson|toPrettyJson)\s+\(?\s*\$?\.Values((?:\.[A-Za-z_]\w*)+)/g))
      out.add(m[1]!.slice(1));
    for (const m of text.matchAll(/range\s+\$\w+\s*,\s*\$\w+\s*:=\s*\$?\.Values((?:\.[A-Za-z_]\w*)+)/g))
      out.add(m[1]!.slice(1));
    // {{- with .Values.x }} … {{ toYaml . }} within the block's first lines
    for (const m of text.matchAll(/with\s+\$?\.Values((?:\.[A-Za-z_]\w*)+)\s*-?}}([\s\S]{0,200})/g))
      if (/toYaml\s+\.\s|toYaml \.\s*\||tpl \(toYaml \.\)/.test(m[2] ?? "")) out.add(m[1]!.slice(1));
  }
  return out;
}

/**
 * Derives a values schema for a chart that ships none: every key of values.yaml (and every `.Values.a.b` the
 * templates read) with the type of its default. Objects are closed (a key the chart never reads is an error,
 * which is what catches a misspelt value Helm would silently ignore) except the maps the templates pass on
 * whole, empty defaults (`{}`), null defaults, and the sub-charts named in `openKeys`.
 */
export function deriveValuesSchema(
  valuesYaml: string,
  templates: string[],
  openKeys: string[],
  description: string,
): JsonSchema {
  const values = (parse(valuesYaml) ?? {}) as Record<string, unknown>;
  const free = freeFormPaths(templates);
  for (const key of openKeys) free.add(key);
  const schemaOf = (value: unknown, path: string): JsonSchema => {
    if (value === null || value === undefined) return {};
    if (Array.isArray(value)) return { type: "array" };
    if (typeof value === "object") {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0 || free.has(path)) return { type: "object" };
      return {
        type: "object",
        properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaOf(v, path ? `${path}.${k}` : k)])),
        additionalProperties: false,
      };
    }
    // Helm renders numbers and strings alike; a default of one type is often given as the other (ports, sizes).
    if (typeof value === "number" || typeof value === "string") return { type: ["string", "number"] };
    if (typeof value === "boolean") return { type: "boolean" };
    return {};
  };
  const root = schemaOf(values, "");
  // Keys the templates read that values.yaml leaves out (documented in comments only) are allowed, untyped.
  for (const text of templates) {
    for (const m of text.matchAll(valuesRef)) {
      const parts = m[1]!.slice(1).split(".");
      let node: JsonSchema | undefined = root;
      for (const part of parts) {
        if (node?.additionalProperties !== false) break;
        node.properties ??= {};
        node.properties[part] ??= {};
        node = node.properties[part];
      }
    }
  }
  return { description, ...root };
}

/** Reads a chart folder (Chart.yaml, values.yaml, templates/) and derives its values schema. */
export function deriveFromChartDir(dir: string, from: DerivedFrom): JsonSchema {
  const templates = templateFiles(join(dir, "templates")).map((f) => readFileSync(f, "utf8"));
  return deriveValuesSchema(
    readFileSync(join(dir, "values.yaml"), "utf8"),
    templates,
    from.openKeys,
    `Derived by infra/src/charts/values-schema.ts from ${from.source} (values.yaml and templates/); the chart ` +
      `ships no values.schema.json. Open: ${from.openKeys.join(", ") || "none"}.`,
  );
}
