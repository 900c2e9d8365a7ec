import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import * as appsV1 from "kubernetes-models/apps/v1";
import * as autoscalingV2 from "kubernetes-models/autoscaling/v2";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as coordinationV1 from "kubernetes-models/coordination.k8s.io/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";
import * as rbacV1 from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as storageV1 from "kubernetes-models/storage.k8s.io/v1";
import * as coreV1 from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";

type Model = new (data: Record<string, unknown>) => { validate(): void };

// Built-in kinds validate against the Kubernetes OpenAPI schema bundled in kubernetes-models.
const builtIn: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  "apps/v1": appsV1,
  "autoscaling/v2": autoscalingV2,
  "batch/v1": batchV1,
  "coordination.k8s.io/v1": coordinationV1,
  "networking.k8s.io/v1": networkingV1,
  "policy/v1": policyV1,
  "rbac.authorization.k8s.io/v1": rbacV1,
  "storage.k8s.io/v1": storageV1,
};

const crdDir = fileURLToPath(new URL("../../crds/", import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: false });
const custom = new Map<string, ValidateFunction>();
for (const file of readdirSync(crdDir).filter((f) => f.endsWith(".schema.json"))) {
  const [group, version, kind] = file.replace(".schema.json", "").split("_");
  custom.set(`${group}/${version}/${kind}`, ajv.compile(JSON.parse(readFileSync(crdDir + file, "utf8"))));
}

// Kinds without a trimmed schema validate against the verbatim upstream CRD's own openAPIV3Schema
// (x-kubernetes-* extensions and Kubernetes formats are not JSON Schema: ignored here, the API server suite checks them).
const upstream = new Ajv({ allErrors: true, strict: false, validateFormats: false });
for (const file of readdirSync(crdDir).filter((f) => f.endsWith(".yaml"))) {
  for (const doc of parseAllDocuments(readFileSync(crdDir + file, "utf8"))) {
    const crd = doc.toJSON() as {
      kind?: string;
      spec?: {
        group: string;
        names: { kind: string };
        versions: { name: string; schema?: { openAPIV3Schema?: object } }[];
      };
    } | null;
    if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) continue;
    for (const v of crd.spec.versions) {
      const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
      if (!custom.has(key) && v.schema?.openAPIV3Schema)
        custom.set(key, upstream.compile(withoutGoPatterns(v.schema.openAPIV3Schema) as object));
    }
  }
}

/** Drops `pattern`s JavaScript cannot compile (Go RE2 syntax such as `(?i)`); the API server still checks them. */
function withoutGoPatterns(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutGoPatterns);
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "pattern" && typeof v === "string") {
      try {
        new RegExp(v, "u");
      } catch {
        continue;
      }
    }
    out[k] = withoutGoPatterns(v);
  }
  return out;
}

export class SchemaViolationError extends Error {
  override name = "SchemaViolationError";
}

/** Validates one rendered object offline; throws SchemaViolationError naming the object and the failing paths. */
export function validateKubernetesObject(obj: Record<string, unknown>): void {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  const id = `${apiVersion} ${kind} ${String((obj.metadata as { name?: string } | undefined)?.name)}`;
  const group = builtIn[apiVersion];
  if (group) {
    const model = group[kind] as Model | undefined;
    if (!model) throw new SchemaViolationError(`${id}: no schema for kind ${kind}`);
    try {
      new model(obj).validate();
    } catch (err) {
      throw new SchemaViolationError(`${id}: ${(err as Error).message}`);
    }
    return;
  }
  const check = custom.get(`${apiVersion}/${kind}`);
  if (!check) throw new SchemaViolationError(`${id}: no schema in infra/crds for ${apiVersion} ${kind}`);
  if (!check(obj)) {
    const detail = (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
    throw new SchemaViolationError(`${id}: ${detail}`);
  }
}
