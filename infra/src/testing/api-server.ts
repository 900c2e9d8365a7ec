import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type KubeApiServer, type KubeResponse, kubeRequest } from "@chainlog/engines";
import { parseAllDocuments } from "yaml";

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});

export const crdDir = fileURLToPath(new URL("../../crds/", import.meta.url));

/** The API server refused an object: carries the server's own message. */
export class ApiServerRejection extends Error {
  override name = "ApiServerRejection";
  constructor(
    readonly object: string,
    readonly status: number,
    readonly serverMessage: string,
  ) {
    super(`${object}: HTTP ${status}: ${serverMessage}`);
  }
}

/** The operators' CRDs kept verbatim in infra/crds (each file names its upstream source and version). */
export function keptCrds(): Obj[] {
  return readdirSync(crdDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(crdDir + f, "utf8"))
        .map((d) => d.toJSON() as Obj | null)
        .filter((d): d is Obj => d?.kind === "CustomResourceDefinition"),
    );
}

export function describeObject(obj: Obj): string {
  const m = o(obj.metadata);
  return `${String(obj.apiVersion)} ${String(obj.kind)} ${m.namespace ? `${String(m.namespace)}/` : ""}${String(m.name)}`;
}

interface ApiResource {
  plural: string;
  namespaced: boolean;
}

/**
 * Applies objects the way the Pulumi Kubernetes provider does with `enableServerSideApply: true`: one
 * server-side apply PATCH per object, REST paths found through the server's discovery documents.
 */
export class ServerSideApplier {
  private readonly discovered = new Map<string, Map<string, ApiResource>>();

  constructor(private readonly server: Pick<KubeApiServer, "url" | "token" | "ca">) {}

  request(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse> {
    return kubeRequest(this.server, method, path, body, contentType);
  }

  private async resource(apiVersion: string, kind: string): Promise<ApiResource> {
    let kinds = this.discovered.get(apiVersion);
    if (!kinds?.has(kind)) {
      const res = await this.request("GET", apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`);
      kinds = new Map();
      if (res.status === 200) {
        for (const r of (o(res.body).resources ?? []) as Obj[]) {
          if (String(r.name).includes("/")) continue; // subresources
          kinds.set(String(r.kind), { plural: String(r.name), namespaced: r.namespaced === true });
        }
      }
      this.discovered.set(apiVersion, kinds);
    }
    const found = kinds.get(kind);
    if (!found) throw new ApiServerRejection(`${apiVersion} ${kind}`, 404, "the server serves no such kind");
    return found;
  }

  async path(obj: Obj): Promise<string> {
    const apiVersion = String(obj.apiVersion);
    const r = await this.resource(apiVersion, String(obj.kind));
    const m = o(obj.metadata);
    if (!m.name) throw new ApiServerRejection(describeObject(obj), 0, "object has no metadata.name");
    const base = apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${String(m.namespace ?? "default")}` : "";
    return `${base}${ns}/${r.plural}/${encodeURIComponent(String(m.name))}`;
  }

  /** Server-side apply; throws ApiServerRejection with the server's message when the object is refused. */
  async apply(obj: Obj, opts: { dryRun?: boolean } = {}): Promise<KubeResponse> {
    const query = `?fieldManager=pulumi-kubernetes&force=true${opts.dryRun ? "&dryRun=All" : ""}`;
    const res = await this.request(
      "PATCH",
      (await this.path(obj)) + query,
      obj,
      "application/apply-patch+yaml",
    );
    if (res.status >= 300) {
      const message = String(o(res.body).message ?? JSON.stringify(res.body));
      throw new ApiServerRejection(describeObject(obj), res.status, message);
    }
    return res;
  }

  /** Creates a Pod from a workload's pod template with dryRun=All: admission (Pod Security) judges it. */
  async admitPodOf(workload: Obj): Promise<KubeResponse> {
    const meta = o(workload.metadata);
    // A CronJob's pods come from spec.jobTemplate.spec.template.
    const spec = o(workload.spec);
    const template = o(workload.kind === "CronJob" ? o(o(spec.jobTemplate).spec).template : spec.template);
    const ns = String(meta.namespace ?? "default");
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `${String(meta.name)}-admission-check`,
        namespace: ns,
        labels: o(template.metadata).labels,
      },
      spec: template.spec,
    };
    const res = await this.request("POST", `/api/v1/namespaces/${ns}/pods?dryRun=All`, pod);
    if (res.status >= 300) {
      const message = String(o(res.body).message ?? JSON.stringify(res.body));
      throw new ApiServerRejection(`Pod of ${describeObject(workload)}`, res.status, message);
    }
    return res;
  }

  /** Applies the CRDs and waits until each one is Established (served), as an operator's chart would. */
  async installCrds(crds: Obj[], timeoutMs = 60_000): Promise<void> {
    for (const crd of crds) await this.apply(crd);
    const deadline = Date.now() + timeoutMs;
    for (const crd of crds) {
      const path = await this.path(crd);
      for (;;) {
        const res = await this.request("GET", path);
        const conditions = (o(o(res.body).status).conditions ?? []) as Obj[];
        if (conditions.some((c) => c.type === "Established" && c.status === "True")) break;
        if (Date.now() > deadline) throw new Error(`${describeObject(crd)} not Established`);
        await sleep(200);
      }
    }
    this.discovered.clear();
  }
}

// Objects others depend on first, as Pulumi's dependency order would have them.
const kindOrder = ["Namespace", "CustomResourceDefinition", "ServiceAccount", "Secret", "ConfigMap", "Role"];

export function applyOrder(objects: Obj[]): Obj[] {
  const rank = (obj: Obj) => {
    const i = kindOrder.indexOf(String(obj.kind));
    return i < 0 ? kindOrder.length : i;
  };
  return [...objects].sort((x, y) => rank(x) - rank(y));
}
