import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createIrsaRole, type OidcIssuer } from "../cluster/irsa.ts";
import type { EngineEndpoints } from "../engines/index.ts";
import { documentDbCaPath } from "../engines/managed/documentdb.ts";
import { type ServiceName, type StackSettings, serviceNames } from "../settings.ts";
import {
  createCpuHpa,
  createLagScaler,
  installKeda,
  kedaNamespace,
  kedaOperatorServiceAccount,
} from "./autoscaling.ts";
import { appSecretName, ports, serviceEnv, webMetricsPort } from "./env.ts";
import { kedaMskPolicy, servicePolicy } from "./iam.ts";
import { createNetworkPolicies } from "./network-policies.ts";
import { createWorkload, type Workload } from "./workload.ts";

/**
 * Who reads what each service writes to the bus. A service rolls out only once its readers have: a newer bus
 * schema version is written only after every reader of it runs (chainlog.blocks v3: the processor;
 * chainlog.processed, stamped with the same version: query-api). Pulumi waits for a Deployment's rollout before
 * it touches one that depends on it.
 */
export const busReaders: Record<ServiceName, ServiceName[]> = {
  ingest: ["processor"],
  processor: ["query-api"],
  "query-api": [],
  web: [],
};

/** The services, each after its bus readers (and theirs). */
export function rolloutOrder(): ServiceName[] {
  const order: ServiceName[] = [];
  const visit = (name: ServiceName, path: ServiceName[]) => {
    if (path.includes(name)) throw new Error(`bus readers form a cycle: ${[...path, name].join(" → ")}`);
    if (order.includes(name)) return;
    for (const reader of busReaders[name]) visit(reader, [...path, name]);
    order.push(name);
  };
  for (const name of serviceNames) visit(name, []);
  return order;
}

const sizing: Record<ServiceName, { cpu: string; memory: string; cpuLimit: string }> = {
  ingest: { cpu: "250m", memory: "512Mi", cpuLimit: "1" },
  processor: { cpu: "500m", memory: "768Mi", cpuLimit: "2" },
  "query-api": { cpu: "250m", memory: "512Mi", cpuLimit: "1" },
  web: { cpu: "100m", memory: "256Mi", cpuLimit: "500m" },
};

export interface AwsServiceContext {
  oidc: OidcIssuer;
  bucketArn: pulumi.Output<string>;
  bucketName: pulumi.Output<string>;
}

export function createServices(
  s: StackSettings,
  provider: k8s.Provider,
  e: EngineEndpoints,
  aws: AwsServiceContext | undefined,
): Record<ServiceName, Workload> {
  const ns = new k8s.core.v1.Namespace(
    "app",
    {
      metadata: {
        name: s.namespace,
        labels: {
          "app.kubernetes.io/part-of": "chainlog",
          // Pod Security Admission: reject anything the restricted profile forbids.
          "pod-security.kubernetes.io/enforce": "restricted",
        },
      },
    },
    { provider },
  );
  const namespace = ns.metadata.name;

  const secret = new k8s.core.v1.Secret(
    "app-secrets",
    {
      metadata: { name: appSecretName, namespace },
      type: "Opaque",
      stringData: {
        ETH_RPC_URLS: s.secrets.ethRpcUrls,
        MONGODB_URL: e.mongodbUrl,
        ...(s.secrets.cassandraPassword ? { CASSANDRA_PASSWORD: s.secrets.cassandraPassword } : {}),
      },
    },
    { provider },
  );

  // Env vars from a Secret are read at container start only: hash its content into the pod template so a
  // rotated secret rolls the pods. Truncated SHA-256 of high-entropy values: it reveals nothing, so unsecret it.
  const secretChecksum = pulumi.unsecret(
    pulumi
      .all([s.secrets.ethRpcUrls, e.mongodbUrl, s.secrets.cassandraPassword ?? ""])
      .apply((values) => createHash("sha256").update(JSON.stringify(values)).digest("hex").slice(0, 16)),
  );

  const extraVolumes: k8s.types.input.core.v1.Volume[] = [];
  const extraMounts: k8s.types.input.core.v1.VolumeMount[] = [];
  if (s.documentdbCaBundle) {
    const bundle = s.documentdbCaBundle;
    new k8s.core.v1.ConfigMap(
      "aws-ca",
      { metadata: { name: "aws-ca", namespace }, data: { "global-bundle.pem": bundle } },
      { provider },
    );
    extraVolumes.push({ name: "aws-ca", configMap: { name: "aws-ca" } });
    extraMounts.push({ name: "aws-ca", mountPath: documentDbCaPath.replace(/\/[^/]+$/, ""), readOnly: true });
  }

  const env = serviceEnv(s, {
    engines: e,
    brokers: e.kafkaBrokers,
    ...(aws ? { exportBucket: aws.bucketName } : {}),
  });
  const replicas: Record<ServiceName, number | undefined> = {
    ingest: s.services.ingestReplicas,
    processor: undefined,
    "query-api": undefined,
    web: undefined,
  };

  const workloads = {} as Record<ServiceName, Workload>;
  for (const name of rolloutOrder()) {
    let annotations: Record<string, pulumi.Input<string>> | undefined;
    if (aws) {
      const policy = servicePolicy(name, e, aws.bucketArn);
      if (policy) {
        const role = createIrsaRole(`${s.stack}-${name}`, aws.oidc, s.namespace, name, policy);
        annotations = { "eks.amazonaws.com/role-arn": role.arn };
      }
    }
    workloads[name] = createWorkload(
      {
        name,
        namespace,
        image: s.images[name],
        port: ports[name],
        ...(name === "web" ? { metricsPort: webMetricsPort } : {}),
        replicas: replicas[name],
        resources: sizing[name],
        env: env[name],
        zoned: s.cloud !== undefined,
        serviceAccountAnnotations: annotations,
        extraVolumes,
        extraMounts,
        secretChecksum,
        serviceType: name === "web" && s.exposeWeb ? "LoadBalancer" : "ClusterIP",
        ...(name === "web" && s.exposeWeb && s.webCertificateArn
          ? { tlsCertificateArn: s.webCertificateArn }
          : {}),
        // Pods start only once their Secret exists, and after the services that read what they publish.
        dependsOn: [secret, ...busReaders[name].map((reader) => workloads[reader].deployment)],
      },
      provider,
    );
  }

  createCpuHpa("query-api", namespace, s.services.queryApi, provider);
  createCpuHpa("web", namespace, s.services.web, provider);
  const kedaRole =
    aws && e.mskArn
      ? createIrsaRole(
          `${s.stack}-keda`,
          aws.oidc,
          kedaNamespace,
          kedaOperatorServiceAccount,
          kedaMskPolicy(e.mskArn),
        )
      : undefined;
  const keda = s.installOperators ? installKeda(provider, kedaRole?.arn) : undefined;
  createLagScaler(
    namespace,
    s.services.processor,
    s.kafka.partitions,
    e.kafkaBrokers,
    e.managed.kafka && s.cloud ? { region: s.cloud.region } : undefined,
    provider,
    keda ? [keda, workloads.processor.deployment] : [workloads.processor.deployment],
  );
  createNetworkPolicies(s, e, namespace, provider);
  return workloads;
}
