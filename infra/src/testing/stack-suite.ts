import { containerRuntime, listServices, readReleaseManifest } from "@chainlog/images";
import {
  createParquetStream,
  encodeParquet,
  LakeEntities,
  loadModels,
  parquetFileColumns,
} from "@chainlog/lake";
import { beforeAll, describe, expect, it } from "vitest";
import { checkRelease, readChartLock } from "../charts/chart-lock.ts";
import { mebibytes, milliCpu, podAllocatable } from "../cluster/capacity.ts";
import { evaluate } from "../policy/policies.ts";
import { defaultReleaseManifest } from "../settings.ts";
import { validateKubernetesObject } from "./k8s-schema.ts";
import {
  eksCreatedSecurityGroup,
  fakeSecrets,
  kubernetesObjects,
  type Rendered,
  renderStack,
  stackConfig,
} from "./render.ts";

export interface StackExpectations {
  aws: boolean;
  kafka:
    | { brokers: number; replicationFactor: number; minInsyncReplicas: number; partitions: number }
    | "msk";
  cassandra: { nodes: number; replicationFactor: number } | "keyspaces";
  mongodb: { members: number } | "documentdb" | "atlas";
  ingestReplicas: number;
  processor: { min: number; max: number };
  queryApi: { min: number; max: number };
  web: { min: number; max: number };
  monitoring: boolean;
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const a = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(o) : []);
const services = ["ingest", "processor", "query-api", "web"];
const backendEnv = [
  "CHAINLOG_MODE",
  "LOG_LEVEL",
  "KAFKA_BROKERS",
  "CASSANDRA_CONTACT_POINTS",
  "CASSANDRA_LOCAL_DC",
  "CASSANDRA_KEYSPACE",
  "MONGODB_URL",
  "ETH_RPC_URLS",
];
/** What each service cannot run in the cluster without; the web gets no store, node or their secrets. */
const requiredEnv: Record<string, string[]> = {
  ingest: [...backendEnv, "INGEST_HTTP_PORT"],
  processor: [...backendEnv, "PROCESSOR_HTTP_PORT"],
  "query-api": [...backendEnv, "API_PORT"],
  web: ["CHAINLOG_MODE", "LOG_LEVEL", "WEB_PORT", "QUERY_API_URL"],
};

/** The assertions every stack must satisfy, parameterised by what that stack's config promises. */
export function describeStack(
  stack: string,
  want: StackExpectations,
  overrides: Record<string, string | null> = {},
): void {
  describe(`stack ${stack}${Object.keys(overrides).length ? " (variant)" : ""}`, () => {
    let all: Rendered[] = [];
    const ofKind = (kind: string) =>
      all.filter((r) => r.inputs.kind === kind && r.type.startsWith("kubernetes:"));
    const ofType = (type: string) => all.filter((r) => r.type === type);
    const one = (kind: string, name: string) => {
      const found = ofKind(kind).find((r) => o(r.inputs.metadata).name === name);
      if (!found) throw new Error(`no ${kind} ${name}`);
      return found.inputs;
    };
    const container = (name: string) =>
      a(o(o(o(one("Deployment", name).spec).template).spec).containers)[0] ?? {};

    beforeAll(async () => {
      all = await renderStack(stack, overrides);
    });

    it("creates AWS network, cluster and bucket only where the stack asks for AWS", () => {
      const awsCount = all.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("eks:")).length;
      if (!want.aws) {
        expect(awsCount).toBe(0);
        return;
      }
      const subnets = ofType("aws:ec2/subnet:Subnet").map((r) => r.inputs);
      const privateSubnets = subnets.filter((s) => String(o(s.tags).Name).includes("private"));
      expect(new Set(privateSubnets.map((s) => s.availabilityZone)).size).toBe(3);
      expect(subnets.every((s) => s.mapPublicIpOnLaunch === false)).toBe(true);
      expect(ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(3);
      const groups = ofType("eks:index:ManagedNodeGroup").map((r) => r.inputs);
      expect(groups).toHaveLength(3);
      expect(groups.every((g) => (g.subnetIds as unknown[]).length === 1)).toBe(true);
      expect(groups.every((g) => o(g.tags)["k8s.io/cluster-autoscaler/enabled"] === "true")).toBe(true);
      const cluster = ofType("eks:index:Cluster")[0]?.inputs ?? {};
      expect(cluster.createOidcProvider).toBe(true);
      // The program reaches the API through the allow-listed public endpoint; nodes through the private one.
      expect([cluster.endpointPrivateAccess, cluster.endpointPublicAccess]).toEqual([true, true]);
      expect(cluster.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
      expect(cluster.nodeAssociatePublicIpAddress).toBe(false);
      expect(ofType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).toContain(
        "cluster-autoscaler",
      );
      const block = ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]?.inputs ?? {};
      expect([
        block.blockPublicAcls,
        block.blockPublicPolicy,
        block.ignorePublicAcls,
        block.restrictPublicBuckets,
      ]).toEqual([true, true, true, true]);
      expect(
        o(ofType("aws:s3/bucketVersioning:BucketVersioning")[0]?.inputs.versioningConfiguration).status,
      ).toBe("Enabled");
      expect(
        ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
      ).toHaveLength(1);
      // Pods get AWS permissions only through IRSA roles bound to one ServiceAccount each.
      const trust = ofType("aws:iam/role:Role")
        .map((r) => String(r.inputs.assumeRolePolicy))
        .filter((p) => p.includes("AssumeRoleWithWebIdentity"));
      expect(trust.length).toBeGreaterThanOrEqual(2);
      expect(trust.every((p) => p.includes("system:serviceaccount:"))).toBe(true);
    });

    it("fits every pod's requests, operator sidecars included, on one node of the node group's smallest type", () => {
      if (!want.aws) return;
      const types = ofType("eks:index:ManagedNodeGroup").flatMap((r) => r.inputs.instanceTypes as string[]);
      const node = types
        .map((t) => ({ type: t, ...podAllocatable(t) }))
        .sort((x, y) => x.milliCpu - y.milliCpu || x.memoryMi - y.memoryMi)[0];
      if (!node) throw new Error("no node group");
      const requests = (r: unknown) => ({
        cpu: milliCpu(String(o(o(r).requests).cpu ?? "0")),
        mem: mebibytes(String(o(o(r).requests).memory ?? "0")),
      });
      const pods: { pod: string; cpu: number; mem: number }[] = [];
      const add = (pod: string, parts: { cpu: number; mem: number }[]) =>
        pods.push({
          pod,
          cpu: parts.reduce((n, p) => n + p.cpu, 0),
          mem: parts.reduce((n, p) => n + p.mem, 0),
        });
      for (const d of ofKind("Deployment"))
        add(
          `Deployment ${o(d.inputs.metadata).name}`,
          a(o(o(o(d.inputs.spec).template).spec).containers).map((c) => requests(c.resources)),
        );
      // cass-operator adds its server-system-logger (100m / 64Mi requested, pkg/reconciliation/defaults.go).
      for (const dc of ofKind("CassandraDatacenter"))
        add("Cassandra", [requests(o(dc.inputs.spec).resources), { cpu: 100, mem: 64 }]);
      for (const pool of ofKind("KafkaNodePool")) add("Kafka", [requests(o(pool.inputs.spec).resources)]);
      // The MongoDB operator adds its mongodb-agent container (500m / 400M requested by default).
      for (const m of ofKind("MongoDBCommunity")) {
        const containers = a(o(o(o(o(o(m.inputs.spec).statefulSet).spec).template).spec).containers);
        add("MongoDB", [
          ...containers.map((c) => requests(c.resources)),
          { cpu: 500, mem: mebibytes("400M") },
        ]);
      }
      expect(pods.length).toBeGreaterThanOrEqual(4);
      const misfits = pods
        .filter((p) => p.cpu > node.milliCpu || p.mem > node.memoryMi)
        .map(
          (p) =>
            `${p.pod}: ${p.cpu}m / ${Math.round(p.mem)}Mi > ${node.type} ${node.milliCpu}m / ${node.memoryMi}Mi`,
        );
      expect(misfits).toEqual([]);
    });

    it("lets managed databases admit the pods, enforces NetworkPolicies, feeds the CPU autoscalers", () => {
      if (!want.aws) return;
      const cluster = ofType("eks:index:Cluster")[0]?.inputs ?? {};
      // Managed node groups carry only the EKS-created group; MSK and DocumentDB must admit that one.
      expect(cluster.skipDefaultSecurityGroups).toBe(true);
      for (const sg of [...ofType("aws:ec2/securityGroup:SecurityGroup")].filter((r) =>
        ["msk", "docdb"].includes(r.name),
      )) {
        expect(a(sg.inputs.ingress).flatMap((i) => i.securityGroups as string[])).toEqual([
          eksCreatedSecurityGroup,
        ]);
      }
      expect(o(cluster.vpcCniOptions).enableNetworkPolicy).toBe(true);
      const addons = ofType("aws:eks/addon:Addon").map((r) => r.inputs.addonName);
      expect(addons).toEqual(expect.arrayContaining(["metrics-server", "aws-ebs-csi-driver"]));
      if (want.kafka !== "msk") return;
      // KEDA reads the lag with its own IRSA role; the services may create the bus topics (auto-creation is off).
      const keda = ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "keda");
      const irsa = o(o(o(o(keda?.inputs.values).podIdentity).aws).irsa);
      expect(irsa.enabled).toBe(true);
      expect(String(irsa.roleArn)).toMatch(/^arn:/);
      const trusts = ofType("aws:iam/role:Role").map((r) => String(r.inputs.assumeRolePolicy));
      expect(trusts.some((t) => t.includes("system:serviceaccount:keda:keda-operator"))).toBe(true);
      expect(o(one("TriggerAuthentication", "processor-msk").spec)).toEqual({
        podIdentity: { provider: "aws", identityOwner: "keda" },
      });
      const policies = ofType("aws:iam/rolePolicy:RolePolicy").map((r) => String(r.inputs.policy));
      const creators = policies.filter((p) => p.includes("kafka-cluster:CreateTopic"));
      expect(creators).toHaveLength(2);
      expect(creators.every((p) => p.includes(":topic/"))).toBe(true);
    });

    it("backs up in-cluster Cassandra and MongoDB on a schedule to the stack's bucket, through IRSA roles", () => {
      const jobs = ofKind("CronJob").map((r) => r.inputs);
      if (!want.aws) {
        // No bucket on a laptop cluster: no backup jobs (infra/README.md, "Backups and restore").
        expect(jobs).toEqual([]);
        return;
      }
      const expected = [
        ...(want.cassandra !== "keyspaces" ? ["cassandra-backup"] : []),
        ...(typeof want.mongodb === "object" ? ["mongodb-backup"] : []),
      ];
      expect(jobs.map((j) => String(o(j.metadata).name)).sort()).toEqual(expected);
      const trusts = ofType("aws:iam/role:Role").map((r) => String(r.inputs.assumeRolePolicy));
      const policies = ofType("aws:iam/rolePolicy:RolePolicy").map((r) => String(r.inputs.policy));
      for (const job of jobs) {
        const name = String(o(job.metadata).name);
        const engine = name.replace("-backup", "");
        const spec = o(job.spec);
        expect([spec.schedule, spec.timeZone, spec.concurrencyPolicy]).toEqual([
          "17 2 * * *",
          "Etc/UTC",
          "Forbid",
        ]);
        const pod = o(o(o(o(spec.jobTemplate).spec).template).spec);
        expect(pod.serviceAccountName).toBe(name);
        const sa = one("ServiceAccount", name);
        expect(String(o(o(sa.metadata).annotations)["eks.amazonaws.com/role-arn"])).toMatch(/^arn:/);
        expect(trusts.some((t) => t.includes(`system:serviceaccount:chainlog-data:${name}`))).toBe(true);
        // The role writes only its own engine's prefix of the bucket.
        const policy = policies.find((p) => p.includes(`/backups/${engine}/*`));
        expect(policy).toBeDefined();
        expect(policy).not.toContain("s3:DeleteObject");
        const containers = [...a(pod.initContainers), ...a(pod.containers)];
        expect(containers.map((c) => JSON.stringify(c.command)).join("\n")).toContain(`backups/${engine}/`);
        expect(a(a(pod.containers)[0]?.env).map((e) => e.name)).toContain("BUCKET");
      }
      if (jobs.some((j) => o(j.metadata).name === "cassandra-backup")) {
        const job = o(o(one("CronJob", "cassandra-backup").spec).jobTemplate);
        const script = String(a(o(o(o(job.spec).template).spec).containers)[0]?.command);
        expect(script).toContain("nodetool snapshot");
        expect(script).toContain("nodetool clearsnapshot");
        expect(a(one("Role", "cassandra-backup").rules).map((r) => r.resources)).toEqual([
          ["pods"],
          ["pods/exec"],
        ]);
      }
      if (jobs.some((j) => o(j.metadata).name === "mongodb-backup")) {
        const mdb = o(one("MongoDBCommunity", "chainlog-mongodb").spec);
        const user = a(mdb.users).find((u) => u.name === "chainlog-backup");
        expect(user?.roles).toEqual([{ name: "backup", db: "admin" }]);
      }
      // Backups expire with the stack's retention; DocumentDB keeps its own automated snapshots.
      const lifecycle = ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0]?.inputs;
      expect(a(lifecycle?.rules).find((r) => r.id === "expire-backups")).toMatchObject({
        filter: { prefix: "backups/" },
        expiration: { days: 14 },
      });
      if (want.mongodb === "documentdb")
        expect(Number(ofType("aws:docdb/cluster:Cluster")[0]?.inputs.backupRetentionPeriod)).toBeGreaterThan(
          0,
        );
    });

    it("runs Kafka with the stack's brokers, replication factor and min.insync.replicas", () => {
      if (want.kafka === "msk") {
        const msk = ofType("aws:msk/cluster:Cluster")[0]?.inputs ?? {};
        expect(msk.numberOfBrokerNodes).toBe(3);
        expect(o(o(msk.clientAuthentication).sasl).iam).toBe(true);
        expect(ofKind("Kafka")).toHaveLength(0);
        return;
      }
      const kafka = one("Kafka", "chainlog");
      const config = o(o(o(kafka.spec).kafka).config);
      expect(config["default.replication.factor"]).toBe(want.kafka.replicationFactor);
      expect(config["min.insync.replicas"]).toBe(want.kafka.minInsyncReplicas);
      expect(config["unclean.leader.election.enable"]).toBe(false);
      expect(o(kafka.metadata).annotations).toMatchObject({ "strimzi.io/kraft": "enabled" });
      // Brokers accept only the services' pods and KEDA (the processor's lag scaler).
      const listeners = a(o(o(kafka.spec).kafka).listeners);
      expect(listeners.map((l) => l.type)).toEqual(["internal"]);
      const peers = JSON.stringify(listeners[0]?.networkPolicyPeers);
      expect(peers).toContain('"keda"');
      expect(peers).toContain('"app.kubernetes.io/part-of":"chainlog"');
      const pool = o(one("KafkaNodePool", "dual").spec);
      expect(pool.replicas).toBe(want.kafka.brokers);
      expect(pool.roles).toEqual(["controller", "broker"]);
      for (const topic of ofKind("KafkaTopic")) {
        expect(o(topic.inputs.spec).partitions).toBe(want.kafka.partitions);
        expect(o(topic.inputs.spec).replicas).toBe(want.kafka.replicationFactor);
      }
      expect(ofKind("KafkaTopic")).toHaveLength(2);
      expect(ofType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).toContain(
        "strimzi-kafka-operator",
      );
    });

    it("runs Cassandra with the stack's node count and keyspace replication factor", () => {
      const env = a(container("processor").env);
      if (want.cassandra === "keyspaces") {
        expect(ofType("aws:keyspaces/keyspace:Keyspace")).toHaveLength(1);
        expect(String(env.find((e) => e.name === "CASSANDRA_CONTACT_POINTS")?.value)).toMatch(
          /amazonaws\.com:9142$/,
        );
        return;
      }
      const dc = o(one("CassandraDatacenter", "dc1").spec);
      expect(dc.size).toBe(want.cassandra.nodes);
      if (want.aws) {
        const zones = a(dc.racks).map((r) => o(r.nodeAffinityLabels)["topology.kubernetes.io/zone"]);
        expect(new Set(zones).size).toBe(3);
        expect(dc.allowMultipleNodesPerWorker).toBe(false);
      }
      expect(env.find((e) => e.name === "CASSANDRA_REPLICATION_FACTOR")?.value).toBe(
        String(want.cassandra.replicationFactor),
      );
    });

    it("runs the metadata store as the stack configures it", () => {
      if (want.mongodb === "documentdb") {
        expect(ofType("aws:docdb/clusterInstance:ClusterInstance")).toHaveLength(3);
        const cluster = ofType("aws:docdb/cluster:Cluster")[0]?.inputs ?? {};
        expect(cluster.storageEncrypted).toBe(true);
        const params = JSON.stringify(
          ofType("aws:docdb/clusterParameterGroup:ClusterParameterGroup")[0]?.inputs,
        );
        expect(params).toContain('"tls"');
        return;
      }
      if (want.mongodb === "atlas") {
        expect(ofKind("MongoDBCommunity")).toHaveLength(0);
        return;
      }
      const mdb = o(one("MongoDBCommunity", "chainlog-mongodb").spec);
      expect(mdb.members).toBe(want.mongodb.members);
      expect(mdb.type).toBe("ReplicaSet");
      expect(ofType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).toContain(
        "mongodb-kubernetes",
      );
    });

    it("gives every service probes, rolling updates, zone spread, limits, a PDB and its own ServiceAccount", () => {
      for (const name of services) {
        const dep = one("Deployment", name);
        const spec = o(dep.spec);
        const pod = o(o(spec.template).spec);
        const c = container(name);
        expect(o(o(c.livenessProbe).httpGet).path).toBe("/healthz");
        expect(o(o(c.readinessProbe).httpGet).path).toBe("/readyz");
        expect(o(spec.strategy)).toEqual({
          type: "RollingUpdate",
          rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        });
        const zone = a(pod.topologySpreadConstraints).find(
          (t) => t.topologyKey === "topology.kubernetes.io/zone",
        );
        expect(zone?.whenUnsatisfiable).toBe(want.aws ? "DoNotSchedule" : "ScheduleAnyway");
        expect(o(o(c.resources).limits).memory).toBeDefined();
        expect(pod.serviceAccountName).toBe(name);
        expect(pod.automountServiceAccountToken).toBe(false);
        // One pod at a time through a drain, and a drain never blocked (minAvailable 1 on one replica would).
        const pdb = o(one("PodDisruptionBudget", name).spec);
        expect([pdb.maxUnavailable, pdb.minAvailable]).toEqual([1, undefined]);
        expect(o(o(o(spec.template).metadata).annotations)["chainlog.dev/secret-checksum"]).toMatch(
          /^[0-9a-f]{16}$/,
        );
        const env = new Set(a(c.env).map((e) => e.name));
        expect((requiredEnv[name] ?? ["?"]).filter((k) => !env.has(k))).toEqual([]);
        if (name === "web")
          expect([...env].filter((k) => /MONGODB|CASSANDRA|KAFKA|ETH_RPC/.test(String(k)))).toEqual([]);
      }
    });

    it("scales query-api and web on CPU 70 %, processor on Kafka lag capped at the partitions, ingest fixed", () => {
      const hpas = ofKind("HorizontalPodAutoscaler").map((r) => o(r.inputs.spec));
      expect(hpas.map((h) => o(h.scaleTargetRef).name).sort()).toEqual(["query-api", "web"]);
      for (const [name, range] of [
        ["query-api", want.queryApi],
        ["web", want.web],
      ] as const) {
        const h = hpas.find((x) => o(x.scaleTargetRef).name === name) ?? {};
        expect([h.minReplicas, h.maxReplicas]).toEqual([range.min, range.max]);
        expect(o(o(a(h.metrics)[0]?.resource).target).averageUtilization).toBe(70);
      }
      const so = o(one("ScaledObject", "processor").spec);
      const partitions = want.kafka === "msk" ? want.processor.max : want.kafka.partitions;
      expect(so.minReplicaCount).toBe(want.processor.min);
      expect(so.maxReplicaCount).toBe(want.processor.max);
      expect(Number(so.maxReplicaCount)).toBeLessThanOrEqual(partitions);
      expect(o(a(so.triggers)[0]).type).toBe("kafka");
      expect(o(one("Deployment", "ingest").spec).replicas).toBe(want.ingestReplicas);
      // HPA/KEDA own the replica count of the scaled services: Pulumi must not set it.
      for (const name of ["processor", "query-api", "web"])
        expect(o(one("Deployment", name).spec).replicas).toBeUndefined();
    });

    it("gives no service the Kubernetes API: no Lease, no RBAC, no token, no egress to it", () => {
      // Ingest elects its leader on a lease in the metadata store; nothing in the namespace reads the API.
      // (The backup jobs in the data namespace have their own Role: they exec into the engine pods.)
      expect(ofKind("Lease")).toEqual([]);
      const boundToServices = [...ofKind("RoleBinding"), ...ofKind("ClusterRoleBinding")].filter((r) =>
        a(r.inputs.subjects).some(
          (x) => o(x).kind === "ServiceAccount" && services.includes(String(o(x).name)),
        ),
      );
      expect(boundToServices.map((r) => o(r.inputs.metadata).name)).toEqual([]);
      for (const name of services)
        expect(one("ServiceAccount", name).automountServiceAccountToken, name).toBe(false);
      const ingestEgress = a(o(one("NetworkPolicy", "ingest-flows").spec).egress).map(o);
      const ports = ingestEgress.flatMap((r) => a(r.ports).map((p) => o(p).port));
      expect(ports).not.toContain(6443);
      // 443 alone (not beside the JSON-RPC ports) only on AWS: STS for IRSA and MSK IAM, no longer the API server
      const httpsOnly = ingestEgress.filter(
        (r) =>
          a(r.ports)
            .map((p) => o(p).port)
            .join() === "443",
      );
      expect(httpsOnly).toHaveLength(want.aws ? 1 : 0);
    });

    it("denies all traffic by default and opens only per-service flows", () => {
      const deny = o(one("NetworkPolicy", "default-deny").spec);
      expect(deny).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      for (const name of services) {
        const np = o(one("NetworkPolicy", `${name}-flows`).spec);
        expect(o(np.podSelector).matchLabels).toMatchObject({ "app.kubernetes.io/name": name });
      }
      const webEgress = a(o(one("NetworkPolicy", "web-flows").spec).egress);
      expect(webEgress).toHaveLength(1);
    });

    it("lets clients be told apart: query-api from the web alone, one trusted hop, the web's metrics off its public port", () => {
      const env = (name: string) =>
        Object.fromEntries(
          a(o(a(o(o(o(one("Deployment", name).spec).template).spec).containers)[0]).env).map((e) => [
            o(e).name,
            o(e).value,
          ]),
        );
      expect(env("query-api").API_TRUST_PROXY).toBe("1");
      expect(env("web").WEB_TRUST_PROXY).toBe("0");
      expect(env("web").WEB_METRICS_PORT).toBe("9103");
      const apiIngress = a(o(one("NetworkPolicy", "query-api-flows").spec).ingress);
      expect(apiIngress).toHaveLength(1);
      const from = a(o(apiIngress[0]).from);
      expect(o(o(from[0]).podSelector).matchLabels).toMatchObject({ "app.kubernetes.io/name": "web" });
      // Nothing but the web pods and (with monitoring) Prometheus.
      expect(from).toHaveLength(want.monitoring ? 2 : 1);
      const webIngress = a(o(one("NetworkPolicy", "web-flows").spec).ingress);
      expect(o(webIngress[0]).from).toBeUndefined();
      expect(a(o(webIngress[0]).ports).map((p) => o(p).port)).toEqual([3000]);
      const webAnn = o(o(o(o(one("Deployment", "web").spec).template).metadata).annotations);
      expect(webAnn["prometheus.io/port"]).toBe("9103");
      expect(o(one("Service", "web-metrics").spec).type).toBe("ClusterIP");
      const webService = o(one("Service", "web").spec);
      if (webService.type === "LoadBalancer") {
        // Public: HTTPS only, terminated by the NLB with the stack's ACM certificate, to the pods' http port.
        expect(webService.externalTrafficPolicy).toBe("Local");
        expect(a(webService.ports).map((p) => [o(p).port, o(p).targetPort])).toEqual([[443, "http"]]);
        const ann = o(o(one("Service", "web").metadata).annotations);
        expect(ann["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"]).toMatch(/^arn:aws:acm:/);
        expect(ann["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"]).toBe("https");
      } else expect(a(webService.ports).map((p) => o(p).port)).toEqual([3000]);
    });

    it("catalogues the lake in Glue with the columns of the Parquet files the sink writes, and runs its models in Athena", async () => {
      const tables = ofType("aws:glue/catalogTable:CatalogTable").map((r) => r.inputs);
      if (!want.aws) {
        expect(tables).toHaveLength(0);
        return;
      }
      // what Athena's Parquet reader maps each physical type to
      const glueType = (c: { type: string; logical: string | null }) =>
        c.type === "INT64"
          ? "bigint"
          : c.type === "DOUBLE"
            ? "double"
            : c.logical === "UTF8"
              ? "string"
              : c.type;
      expect(tables.map((t) => t.name).sort()).toEqual([...LakeEntities].sort());
      // ethereum-etl's traces table is among them (internal transactions from the processor's call traces)
      expect(tables.map((t) => t.name)).toContain("traces");
      for (const entity of LakeEntities) {
        const table = tables.find((t) => t.name === entity)!;
        const sd = o(table.storageDescriptor);
        const fileColumns = parquetFileColumns(encodeParquet(entity, [])).map((c) => ({
          name: c.name,
          type: glueType(c),
        }));
        expect(a(sd.columns), entity).toEqual(fileColumns);
        // a final day is one file the streaming merge wrote: the same columns
        const merged: Uint8Array[] = [];
        const stream = createParquetStream(entity, {
          location: "memory",
          write: async (chunk) => {
            merged.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
          },
          close: async () => undefined,
          abort: async () => undefined,
        });
        await stream.close();
        const mergedColumns = parquetFileColumns(Buffer.concat(merged)).map((c) => ({
          name: c.name,
          type: glueType(c),
        }));
        expect(a(sd.columns), `${entity} (compacted day)`).toEqual(mergedColumns);
        expect(a(table.partitionKeys)).toEqual([{ name: "date", type: "string" }]);
        expect(String(sd.location)).toMatch(new RegExp(`^s3://.+/lake/${entity}/$`));
        expect(o(table.parameters)["projection.enabled"]).toBe("true");
        expect(o(table.parameters)["storage.location.template"]).toBe(`${sd.location}date=\${date}/`);
      }
      const [workgroup] = ofType("aws:athena/workgroup:Workgroup").map((r) => r.inputs);
      expect(o(workgroup?.configuration).enforceWorkgroupConfiguration).toBe(true);
      expect(String(o(o(workgroup?.configuration).resultConfiguration).outputLocation)).toMatch(
        /athena-results\/$/,
      );
      const named = ofType("aws:athena/namedQuery:NamedQuery").map((r) => r.inputs);
      expect(named.map((q) => [q.name, q.query])).toEqual(loadModels().map((m) => [m.name, m.sql]));
      // the warehouse dashboard's panels query those models through the Athena datasource
      const board = ofKind("ConfigMap").find(
        (r) => o(r.inputs.metadata).name === "dashboard-chainlog-warehouse",
      );
      const panels = a(o(JSON.parse(String(Object.values(o(board?.inputs.data))[0]))).panels);
      expect(panels.length).toBeGreaterThanOrEqual(4);
      for (const p of panels) expect(o(p.datasource).type).toBe("grafana-athena-datasource");
    });

    it("scrapes every service and ships the dashboards as code", () => {
      for (const name of services) {
        const ann = o(o(o(one("Deployment", name).spec).template).metadata).annotations;
        expect(o(ann)["prometheus.io/scrape"]).toBe("true");
      }
      const dashboards = ofKind("ConfigMap").filter(
        (r) => o(o(r.inputs.metadata).labels).grafana_dashboard === "1",
      );
      expect(dashboards.length).toBeGreaterThanOrEqual(2);
      for (const d of dashboards) {
        for (const json of Object.values(o(d.inputs.data))) {
          expect(a(o(JSON.parse(String(json))).panels).length).toBeGreaterThan(0);
        }
      }
      const monitors = ofKind("ServiceMonitor").map((r) => String(o(r.inputs.metadata).name));
      const inClusterCassandra = want.cassandra !== "keyspaces";
      const inClusterMongo = typeof want.mongodb === "object";
      expect(monitors.sort()).toEqual(
        want.monitoring
          ? [
              ...services,
              ...(inClusterCassandra ? ["cassandra"] : []),
              ...(inClusterMongo ? ["mongodb"] : []),
            ].sort()
          : [],
      );
      if (want.monitoring && inClusterCassandra) {
        // cass-operator's all-pods Service carries this label and the management API's `metrics` port.
        const cass = o(one("ServiceMonitor", "cassandra").spec);
        expect(o(cass.selector).matchLabels).toMatchObject({ "cassandra.datastax.com/prom-metrics": "true" });
        expect(a(cass.endpoints)[0]?.port).toBe("metrics");
      }
      if (inClusterMongo) {
        // The agents serve metrics behind basic auth from a Secret whose password is not the user's.
        const mdb = o(one("MongoDBCommunity", "chainlog-mongodb").spec);
        expect(o(mdb.prometheus)).toEqual({
          username: "metrics",
          passwordSecretRef: { name: "chainlog-mongodb-metrics" },
        });
        const secret = o(one("Secret", "chainlog-mongodb-metrics").stringData);
        expect(String(secret.password)).toMatch(/^[0-9a-f]{64}$/);
        if (want.monitoring) {
          const ep = o(a(o(one("ServiceMonitor", "mongodb").spec).endpoints)[0]);
          expect(ep.port).toBe("prometheus");
          expect(o(o(ep.basicAuth).password)).toEqual({ name: "chainlog-mongodb-metrics", key: "password" });
        }
      }
      // Alerts for a stuck or lagging pipeline and unhealthy engines; Prometheus keeps its data on a volume.
      const rules = ofKind("PrometheusRule").flatMap((r) =>
        a(o(r.inputs.spec).groups).flatMap((g) => a(g.rules).map((x) => x.alert)),
      );
      expect(rules).toEqual(
        want.monitoring
          ? expect.arrayContaining([
              "ChainlogIngestStuck",
              "ChainlogProcessorStuck",
              "ChainlogConsumerLag",
              "ChainlogDeposedLeaderWrites",
              "ChainlogEnginePodNotReady",
              ...(want.kafka !== "msk"
                ? ["ChainlogKafkaUnderReplicatedPartitions", "ChainlogKafkaOfflinePartitions"]
                : []),
              ...(want.cassandra !== "keyspaces" ? ["ChainlogCassandraNodeDown"] : []),
              ...(typeof want.mongodb === "object" ? ["ChainlogMongoDBMemberDown"] : []),
            ])
          : [],
      );
      // No alert for an engine the stack does not run in the cluster.
      if (want.kafka === "msk") expect(rules.some((r) => String(r).startsWith("ChainlogKafka"))).toBe(false);
      if (want.monitoring && want.kafka !== "msk") {
        // The brokers' own metrics are scraped too.
        expect(o(o(o(one("Kafka", "chainlog").spec).kafka).metricsConfig).type).toBe("jmxPrometheusExporter");
        const pm = o(one("PodMonitor", "kafka").spec);
        expect(a(pm.podMetricsEndpoints)[0]?.port).toBe("tcp-prometheus");
      }
      if (want.monitoring) {
        const prom = ofType("kubernetes:helm.sh/v3:Release").find(
          (r) => r.inputs.chart === "kube-prometheus-stack",
        );
        const spec = o(o(o(prom?.inputs.values).prometheus).prometheusSpec);
        expect(o(o(o(o(spec.storageSpec).volumeClaimTemplate).spec).resources)).toEqual({
          requests: { storage: "50Gi" },
        });
      }
    });

    it("keeps every secret out of plain config and plain resource inputs", () => {
      // Each secret appears, revealed, only inside Kubernetes Secrets or as a provider-side secret input.
      const sealedText = JSON.stringify(all.map((r) => r.sealed));
      for (const value of Object.values(fakeSecrets)) {
        expect(sealedText).not.toContain(value);
        expect(sealedText).not.toContain(encodeURIComponent(value));
      }
      const revealed = all.filter((r) =>
        Object.values(fakeSecrets).some((v) => JSON.stringify(r.inputs).includes(v)),
      );
      for (const r of revealed) {
        expect(["kubernetes:core/v1:Secret", "aws:docdb/cluster:Cluster"]).toContain(r.type);
      }
      expect(revealed.length).toBeGreaterThan(0);
      // The committed stack file carries no secret key at all (they are set with `pulumi config set --secret`).
      const committed = stackConfig(stack);
      for (const key of Object.keys(fakeSecrets)) expect(committed[key]).toBeUndefined();
    });

    it("renders only objects that validate against the Kubernetes OpenAPI schema and the kept CRD schemas", () => {
      const objects = kubernetesObjects(all);
      expect(objects.length).toBeGreaterThan(20);
      const failures: string[] = [];
      for (const obj of objects) {
        try {
          validateKubernetesObject(obj);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
      expect(failures).toEqual([]);
    });

    it("installs only locked charts, each with values its chart's values schema accepts", () => {
      const lock = readChartLock();
      const releases = ofType("kubernetes:helm.sh/v3:Release").map((r) => ({
        chart: String(r.inputs.chart),
        version: r.inputs.version as string | undefined,
        repo: o(r.inputs.repositoryOpts).repo as string | undefined,
        values: r.inputs.values,
      }));
      expect(releases.length).toBeGreaterThanOrEqual(3);
      expect(releases.flatMap((r) => checkRelease(lock, r))).toEqual([]);
    });

    it("passes every policy: no privileged containers, limits set, pinned images, non-root, no public engines", () => {
      expect(evaluate(all, "chainlog-data")).toEqual([]);
      const images = ofKind("Deployment").map((r) =>
        String(a(o(o(o(r.inputs.spec).template).spec).containers)[0]?.image),
      );
      expect(
        images.every((i) => /^ghcr\.io\/chainlog\/[a-z-]+:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/.test(i)),
      ).toBe(true);
    });

    it("deploys only released images: each one's version from the stack, its digest from the release manifest", () => {
      const manifest = readReleaseManifest(defaultReleaseManifest);
      const tags = JSON.parse(stackConfig(stack)["chainlog:imageTags"] ?? "{}") as Record<string, string>;
      for (const name of services) {
        const image = String(container(name).image);
        const [, version, digest] = image.match(/:([^:@]+)@(sha256:[0-9a-f]{64})$/) ?? [];
        expect(version).toBe(tags[name]);
        expect(digest, `${name} ${version} in infra/release/images.json`).toBe(
          manifest.services[name]?.[version ?? ""]?.digest,
        );
      }
    });

    it("runs each container as its image is built: user, read-only root with a writable data path, port, probes", () => {
      for (const spec of listServices().filter((x) => services.includes(x.service))) {
        const pod = o(o(o(one("Deployment", spec.service).spec).template).spec);
        const c = container(spec.service);
        expect(o(pod.securityContext)).toMatchObject({
          runAsNonRoot: true,
          runAsUser: containerRuntime.uid,
          runAsGroup: containerRuntime.gid,
        });
        expect(o(c.securityContext).readOnlyRootFilesystem).toBe(true);
        const mounts = a(c.volumeMounts);
        const data = mounts.find((m) => m.mountPath === containerRuntime.dataDir);
        expect(data?.readOnly).not.toBe(true);
        expect(a(pod.volumes).some((v) => v.name === data?.name)).toBe(true);
        expect(a(c.ports)[0]?.containerPort).toBe(spec.port);
        const env = Object.fromEntries(a(c.env).map((e) => [e.name, e.value]));
        expect(env[spec.portEnv]).toBe(String(spec.port));
        expect(o(o(c.livenessProbe).httpGet).path).toBe(containerRuntime.livenessPath);
        expect(o(o(c.readinessProbe).httpGet).path).toBe(containerRuntime.readinessPath);
        expect(o(o(c.startupProbe).httpGet).path).toBe(containerRuntime.livenessPath);
        expect(pod.terminationGracePeriodSeconds).toBe(containerRuntime.stopGraceSeconds);
      }
    });
  });
}
