/**
 * Policy checks over rendered resources (what a CrossGuard pack would enforce; the Pulumi CLI is not needed).
 * Each policy returns human-readable violations; an empty list means the resource passes.
 */

export interface Resource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  sealed: Record<string, unknown>;
}

export type Policy = (r: Resource) => string[];

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

/** The pod spec inside any workload kind (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob). */
export function podSpecOf(r: Resource): Obj | undefined {
  const kind = r.inputs.kind;
  const spec = obj(r.inputs.spec);
  if (!r.type.startsWith("kubernetes:")) return undefined;
  if (kind === "Pod") return spec;
  if (kind === "CronJob") return obj(obj(obj(obj(spec.jobTemplate).spec).template).spec);
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(String(kind))) {
    return obj(obj(spec.template).spec);
  }
  return undefined;
}

function containersOf(r: Resource): Obj[] {
  const pod = podSpecOf(r);
  return pod ? [...arr(pod.initContainers), ...arr(pod.containers)] : [];
}

const where = (r: Resource, c?: Obj) =>
  `${String(r.inputs.kind)} ${r.name}${c ? ` container ${String(c.name)}` : ""}`;

export const noPrivilegedContainers: Policy = (r) =>
  containersOf(r).flatMap((c) => {
    const sc = obj(c.securityContext);
    const caps = obj(sc.capabilities);
    const added = Array.isArray(caps.add) ? caps.add.length : 0;
    const out: string[] = [];
    if (sc.privileged === true) out.push(`${where(r, c)} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where(r, c)} allows privilege escalation`);
    if (added > 0) out.push(`${where(r, c)} adds Linux capabilities`);
    if (podSpecOf(r)?.hostNetwork === true || podSpecOf(r)?.hostPID === true)
      out.push(`${where(r)} shares host namespaces`);
    return out;
  });

export const resourceLimitsRequired: Policy = (r) =>
  containersOf(r).flatMap((c) => {
    const res = obj(c.resources);
    const missing = [
      ...["cpu", "memory"].filter((k) => obj(res.limits)[k] === undefined).map((k) => `limits.${k}`),
      ...["cpu", "memory"].filter((k) => obj(res.requests)[k] === undefined).map((k) => `requests.${k}`),
    ];
    return missing.length > 0 ? [`${where(r, c)} lacks ${missing.join(", ")}`] : [];
  });

/** An image reference is pinned when it carries a digest, or a tag that is a version (not latest/stable/main). */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return /^v?\d+(\.\d+){1,2}([-+][0-9A-Za-z.-]+)?$/.test(tag);
}

export const noLatestTags: Policy = (r) =>
  containersOf(r)
    .filter((c) => !isPinnedImage(String(c.image ?? "")))
    .map((c) => `${where(r, c)} image ${String(c.image)} is not pinned to a version`);

export const runAsNonRoot: Policy = (r) => {
  const pod = podSpecOf(r);
  if (!pod) return [];
  const podSc = obj(pod.securityContext);
  return containersOf(r).flatMap((c) => {
    const sc = obj(c.securityContext);
    const nonRoot = (sc.runAsNonRoot ?? podSc.runAsNonRoot) === true;
    const uid = sc.runAsUser ?? podSc.runAsUser;
    const out: string[] = [];
    if (!nonRoot) out.push(`${where(r, c)} does not set runAsNonRoot`);
    if (uid === 0) out.push(`${where(r, c)} runs as uid 0`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${where(r, c)} has a writable root filesystem`);
    return out;
  });
};

/** Databases and brokers are never reachable from outside the VPC/cluster. */
export function noPublicEngineEndpoint(dataNamespace: string): Policy {
  return (r) => {
    const i = r.inputs;
    const out: string[] = [];
    if (i.kind === "Service") {
      const type = obj(i.spec).type;
      const ns = obj(i.metadata).namespace;
      const isWeb = obj(obj(i.spec).selector)["app.kubernetes.io/name"] === "web";
      if ((type === "LoadBalancer" || type === "NodePort") && (ns === dataNamespace || !isWeb)) {
        out.push(`Service ${r.name} (${String(type)}) exposes a non-web workload`);
      }
    }
    if (i.kind === "Kafka") {
      for (const l of arr(obj(obj(i.spec).kafka).listeners)) {
        if (!["internal", "cluster-ip"].includes(String(l.type)))
          out.push(`Kafka listener ${String(l.name)} is ${String(l.type)}`);
      }
    }
    if (r.type === "aws:msk/cluster:Cluster") {
      const access = obj(obj(obj(i.brokerNodeGroupInfo).connectivityInfo).publicAccess).type;
      if (access !== "DISABLED") out.push(`MSK ${r.name} public access is ${String(access ?? "unset")}`);
    }
    if (r.type === "aws:docdb/clusterInstance:ClusterInstance" && i.publiclyAccessible === true) {
      out.push(`DocumentDB instance ${r.name} is publicly accessible`);
    }
    if (r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock") {
      const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
      const off = flags.filter((f) => i[f] !== true);
      if (off.length > 0) out.push(`bucket access block ${r.name} leaves ${off.join(", ")} off`);
    }
    return out;
  };
}

const sensitiveEnv = /(PASSWORD|SECRET|TOKEN|CREDENTIAL|^MONGODB_URL$|^ETH_RPC_URLS?$)/;

/** Credentials reach pods only through Secrets: no literal env value for a sensitive name. */
export const secretsFromSecretRefs: Policy = (r) =>
  containersOf(r).flatMap((c) =>
    arr(c.env)
      .filter((e) => sensitiveEnv.test(String(e.name)) && e.value !== undefined)
      .map((e) => `${where(r, c)} sets ${String(e.name)} as a literal value`),
  );

/** Every chart is pinned to an exact version, so `pulumi up` never pulls a different operator silently. */
export const helmChartsPinned: Policy = (r) => {
  if (r.type !== "kubernetes:helm.sh/v3:Release") return [];
  const version = String(r.inputs.version ?? "");
  return /^\d+\.\d+\.\d+$/.test(version)
    ? []
    : [`Helm release ${r.name} chart version "${version}" is not exact`];
};

export const workloadPolicies: Record<string, Policy> = {
  noPrivilegedContainers,
  resourceLimitsRequired,
  noLatestTags,
  runAsNonRoot,
  secretsFromSecretRefs,
  helmChartsPinned,
};

/** Runs every policy over every resource; returns all violations. */
export function evaluate(resources: Resource[], dataNamespace: string): string[] {
  const policies = [...Object.values(workloadPolicies), noPublicEngineEndpoint(dataNamespace)];
  return resources.flatMap((r) => policies.flatMap((p) => p(r)));
}
