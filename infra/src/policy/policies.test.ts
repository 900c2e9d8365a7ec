import { describe, expect, it } from "vitest";
import { restrictedSecurityContext } from "../pod-security.ts";
import {
  evaluate,
  helmChartsPinned,
  isPinnedImage,
  noLatestTags,
  noPrivilegedContainers,
  noPublicEngineEndpoint,
  type Resource,
  resourceLimitsRequired,
  runAsNonRoot,
  secretsFromSecretRefs,
} from "./policies.ts";

type Obj = Record<string, unknown>;

function goodContainer(): Obj {
  return {
    name: "app",
    image: "ghcr.io/chainlog/query-api:1.2.3",
    env: [
      { name: "MONGODB_URL", valueFrom: { secretKeyRef: { name: "chainlog-secrets", key: "MONGODB_URL" } } },
    ],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "128Mi" } },
    // a copy: the tests below break it in place
    securityContext: structuredClone(restrictedSecurityContext),
  };
}

function deployment(mutate: (c: Obj, pod: Obj) => void = () => {}): Resource {
  const c = goodContainer();
  const pod: Obj = { securityContext: { runAsNonRoot: true, runAsUser: 10001 }, containers: [c] };
  mutate(c, pod);
  const inputs = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "app" },
    spec: { template: { spec: pod } },
  };
  return { type: "kubernetes:apps/v1:Deployment", name: "app", inputs, sealed: inputs };
}

const resource = (type: string, inputs: Obj): Resource => ({ type, name: "x", inputs, sealed: inputs });

describe("policies accept a hardened workload", () => {
  it("reports nothing for the reference Deployment", () => {
    expect(evaluate([deployment()], "chainlog-data")).toEqual([]);
  });
});

describe("each policy rejects a deliberately bad resource", () => {
  it("noPrivilegedContainers: privileged, escalation, added capabilities, host namespaces", () => {
    expect(
      noPrivilegedContainers(
        deployment((c) => Object.assign(c.securityContext as Obj, { privileged: true })),
      ),
    ).toEqual(["Deployment app container app is privileged"]);
    expect(
      noPrivilegedContainers(deployment((c) => delete (c.securityContext as Obj).allowPrivilegeEscalation)),
    ).toEqual(["Deployment app container app allows privilege escalation"]);
    expect(
      noPrivilegedContainers(
        deployment((c) => Object.assign(c.securityContext as Obj, { capabilities: { add: ["NET_ADMIN"] } })),
      ),
    ).toEqual(["Deployment app container app adds Linux capabilities"]);
    expect(
      noPrivilegedContainers(deployment((_c, pod) => Object.assign(pod, { hostNetwork: true }))),
    ).toHaveLength(1);
  });

  it("resourceLimitsRequired: a container without limits", () => {
    const bad = deployment((c) => Object.assign(c, { resources: { requests: { cpu: "1", memory: "1Gi" } } }));
    expect(resourceLimitsRequired(bad)).toEqual([
      "Deployment app container app lacks limits.cpu, limits.memory",
    ]);
  });

  it("noLatestTags: latest, untagged and branch-named images; digests and versions pass", () => {
    for (const image of [
      "ghcr.io/chainlog/web:latest",
      "ghcr.io/chainlog/web",
      "localhost:5000/web",
      "web:main",
    ]) {
      expect(noLatestTags(deployment((c) => Object.assign(c, { image })))).toHaveLength(1);
    }
    expect(isPinnedImage(`node@sha256:${"a".repeat(64)}`)).toBe(true);
    expect(isPinnedImage("localhost:5000/web:1.4.0-rc.1")).toBe(true);
  });

  it("runAsNonRoot: missing runAsNonRoot, uid 0, writable root filesystem", () => {
    const noFlag = deployment((c, pod) => {
      delete (c.securityContext as Obj).runAsNonRoot;
      pod.securityContext = {};
    });
    expect(runAsNonRoot(noFlag)).toEqual(["Deployment app container app does not set runAsNonRoot"]);
    const root = deployment((c) => Object.assign(c.securityContext as Obj, { runAsUser: 0 }));
    expect(runAsNonRoot(root)).toEqual(["Deployment app container app runs as uid 0"]);
    const writable = deployment((c) =>
      Object.assign(c.securityContext as Obj, { readOnlyRootFilesystem: false }),
    );
    expect(runAsNonRoot(writable)).toEqual(["Deployment app container app has a writable root filesystem"]);
  });

  it("secretsFromSecretRefs: a credential as a literal env value", () => {
    const bad = deployment((c) =>
      Object.assign(c, { env: [{ name: "MONGODB_URL", value: "mongodb://u:p@h/db" }] }),
    );
    expect(secretsFromSecretRefs(bad)).toEqual([
      "Deployment app container app sets MONGODB_URL as a literal value",
    ]);
    const pw = deployment((c) => Object.assign(c, { env: [{ name: "CASSANDRA_PASSWORD", value: "x" }] }));
    expect(secretsFromSecretRefs(pw)).toHaveLength(1);
  });

  it("helmChartsPinned: a floating chart version", () => {
    expect(helmChartsPinned(resource("kubernetes:helm.sh/v3:Release", { version: "^0.48.0" }))).toHaveLength(
      1,
    );
    expect(helmChartsPinned(resource("kubernetes:helm.sh/v3:Release", {}))).toHaveLength(1);
    expect(helmChartsPinned(resource("kubernetes:helm.sh/v3:Release", { version: "0.48.0" }))).toEqual([]);
  });

  it("noPublicEngineEndpoint: load balancers on engines, public Kafka listeners, public MSK/DocumentDB/S3", () => {
    const policy = noPublicEngineEndpoint("chainlog-data");
    const lb = (ns: string, app: string) =>
      resource("kubernetes:core/v1:Service", {
        kind: "Service",
        metadata: { namespace: ns },
        spec: { type: "LoadBalancer", selector: { "app.kubernetes.io/name": app } },
      });
    expect(policy(lb("chainlog-data", "cassandra"))).toHaveLength(1);
    expect(policy(lb("chainlog", "query-api"))).toHaveLength(1);
    expect(policy(lb("chainlog", "web"))).toEqual([]);
    const kafka = resource("kubernetes:kafka.strimzi.io/v1beta2:Kafka", {
      kind: "Kafka",
      spec: { kafka: { listeners: [{ name: "ext", type: "loadbalancer" }] } },
    });
    expect(policy(kafka)).toEqual(["Kafka listener ext is loadbalancer"]);
    const msk = resource("aws:msk/cluster:Cluster", {
      brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } } },
    });
    expect(policy(msk)).toHaveLength(1);
    expect(
      policy(resource("aws:docdb/clusterInstance:ClusterInstance", { publiclyAccessible: true })),
    ).toHaveLength(1);
    const block = resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {
      blockPublicAcls: true,
      blockPublicPolicy: false,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(policy(block)).toEqual(["bucket access block x leaves blockPublicPolicy off"]);
  });
});
