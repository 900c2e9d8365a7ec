import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeApiServer, startKubeApiServer } from "@chainlog/engines";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiServerRejection,
  applyOrder,
  describeObject,
  keptCrds,
  ServerSideApplier,
} from "./testing/api-server.ts";
import { kubernetesObjects, type Rendered, renderStack } from "./testing/render.ts";
import { documentdbCaBundle, managedEngines } from "./testing/stack-overrides.ts";

// Every stack's Kubernetes objects go to a real kube-apiserver (built from Go modules by @chainlog/engines, cached
// in ~/.cache/chainlog; a cold build takes minutes, hence the long first hook) with the operators' real CRDs
// from infra/crds. The server, not a schema copy, decides: CRD structural schemas, defaulting, RBAC objects,
// and Pod Security admission on the services' namespace.

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const buildTimeout = 45 * 60_000;

/** Namespaces Helm creates for a release (`createNamespace: true`) that the program does not declare itself. */
function helmNamespaces(all: Rendered[], declared: Set<string>): Obj[] {
  return all
    .filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.createNamespace === true)
    .map((r) => String(r.inputs.namespace))
    .filter((ns) => !declared.has(ns))
    .map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
}

/** Runs the server's `check` on each object in turn: what it refused, and what it warned of, by object. */
async function checkEach(
  objects: Obj[],
  check: (obj: Obj) => Promise<{ warnings: string[] }>,
): Promise<{ failures: string[]; warnings: string[] }> {
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const obj of objects) {
    try {
      for (const w of (await check(obj)).warnings) warnings.push(`${describeObject(obj)}: ${w}`);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  return { failures, warnings };
}

async function startServer(): Promise<{ server: KubeApiServer; dir: string; kube: ServerSideApplier }> {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-kube-"));
  const server = await startKubeApiServer({ baseDir: dir });
  const kube = new ServerSideApplier(server);
  await kube.installCrds(keptCrds());
  return { server, dir, kube };
}

function describeStackOnServer(stack: string, overrides: Record<string, string> = {}, label = stack): void {
  describe(`stack ${label} on a real API server`, () => {
    let server: KubeApiServer | undefined;
    let dir = "";
    let kube: ServerSideApplier;
    let objects: Obj[] = [];
    let rendered: Rendered[] = [];

    beforeAll(async () => {
      ({ server, dir, kube } = await startServer());
      rendered = await renderStack(stack, overrides);
      objects = kubernetesObjects(rendered);
    }, buildTimeout);

    afterAll(async () => {
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("accepts every rendered object by server-side apply, with no warning", async () => {
      const declared = new Set(
        objects.filter((x) => x.kind === "Namespace").map((x) => String(o(x.metadata).name)),
      );
      const { failures, warnings } = await checkEach(
        applyOrder([...helmNamespaces(rendered, declared), ...objects]),
        (obj) => kube.apply(obj),
      );
      expect(failures).toEqual([]);
      expect(warnings).toEqual([]);
      expect(objects.length).toBeGreaterThan(20);
    });

    it("admits a Pod from every workload's template under the namespace's Pod Security level", async () => {
      const appNs = objects.find(
        (x) =>
          x.kind === "Namespace" &&
          o(o(x.metadata).labels)["app.kubernetes.io/part-of"] &&
          String(o(x.metadata).name) !== "chainlog-data",
      );
      const stored = await kube.request("GET", `/api/v1/namespaces/${String(o(appNs?.metadata).name)}`);
      expect(o(o(o(stored.body).metadata).labels)["pod-security.kubernetes.io/enforce"]).toBe("restricted");
      const workloads = objects.filter((x) =>
        ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"].includes(String(x.kind)),
      );
      expect(workloads.length).toBeGreaterThanOrEqual(4);
      const { failures, warnings } = await checkEach(workloads, (w) => kube.admitPodOf(w));
      // a warning under the restricted level is a violation the server would enforce
      expect([...failures, ...warnings]).toEqual([]);
    });
  });
}

describeStackOnServer("local");
describeStackOnServer("dev");
describeStackOnServer("staging", documentdbCaBundle);
describeStackOnServer("prod");
describeStackOnServer("prod", managedEngines, "prod (MSK, Keyspaces, Atlas)");

describe("the API server check can fail", () => {
  let server: KubeApiServer | undefined;
  let dir = "";
  let kube: ServerSideApplier;
  let objects: Obj[] = [];

  beforeAll(async () => {
    ({ server, dir, kube } = await startServer());
    objects = kubernetesObjects(await renderStack("local"));
    for (const obj of applyOrder(
      objects.filter((x) => ["Namespace", "ServiceAccount"].includes(String(x.kind))),
    ))
      await kube.apply(obj);
  }, buildTimeout);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const find = (kind: string, name: string): Obj => {
    const found = objects.find((x) => x.kind === kind && o(x.metadata).name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return structuredClone(found);
  };

  it("refuses a custom resource its CRD's schema rejects, with the server's message", async () => {
    const topic = find("KafkaTopic", "chainlog.blocks");
    o(topic.spec).partitions = "many";
    const err = await kube.apply(topic).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiServerRejection);
    expect((err as ApiServerRejection).status).toBeGreaterThanOrEqual(400);
    expect((err as ApiServerRejection).message).toMatch(/spec\.partitions: expected numeric/);
  });

  it("refuses a privileged pod in the restricted namespace, naming the Pod Security violation", async () => {
    const dep = find("Deployment", "ingest");
    const pod = o(o(o(dep.spec).template).spec);
    const container = o((pod.containers as Obj[])[0]);
    container.securityContext = { privileged: true };
    const err = await kube.admitPodOf(dep).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiServerRejection);
    expect((err as ApiServerRejection).message).toMatch(
      /violates PodSecurity "restricted:latest".*privileged/,
    );
    // The Deployment itself is stored, but the server warns: apply() hands the warning on.
    const res = await kube.apply(dep);
    expect(res.warnings.join("\n")).toMatch(/would violate PodSecurity "restricted:latest"/);
  });
});
