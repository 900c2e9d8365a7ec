import { join } from "node:path";
import { ReleaseManifestError, readReleaseManifest, releasedImage, repoRoot } from "@chainlog/images";
import * as pulumi from "@pulumi/pulumi";

export const serviceNames = ["ingest", "processor", "query-api", "web"] as const;
export type ServiceName = (typeof serviceNames)[number];

export class StackConfigError extends Error {
  override name = "StackConfigError";
}

export interface ScaleRange {
  min: number;
  max: number;
}

export interface CloudSettings {
  region: string;
  vpcCidr: string;
  kubernetesVersion: string;
  nodeInstanceTypes: string[];
  /** Per availability zone: one managed node group per zone so the autoscaler can grow the zone a PVC is pinned to. */
  nodesPerZone: { min: number; desired: number; max: number };
  /**
   * Who may reach the EKS API endpoint from outside the VPC. The stack creates the VPC and then applies the
   * Kubernetes objects through that endpoint, so a first `pulumi up` run from outside needs its own address here.
   * Empty only with chainlog:privateApiOnly=true (every run from inside the VPC: VPN, bastion, in-VPC runner).
   */
  publicApiCidrs: string[];
}

export interface StackSettings {
  stack: string;
  /** Absent for the `local` stack: engines and services only, on whatever kubeconfig is current. */
  cloud: CloudSettings | undefined;
  namespace: string;
  dataNamespace: string;
  storageClass: string;
  imageRegistry: string;
  imageTags: Record<ServiceName, string>;
  /** What each Deployment runs: registry/name:version@digest, the digest from the release manifest. */
  images: Record<ServiceName, string>;
  logLevel: string;
  chainId: number;
  kafka: {
    mode: "strimzi" | "msk";
    brokers: number;
    replicationFactor: number;
    minInsyncReplicas: number;
    partitions: number;
    storageGi: number;
  };
  cassandra: {
    mode: "operator" | "keyspaces";
    nodes: number;
    replicationFactor: number;
    storageGi: number;
    keyspace: string;
    datacenter: string;
    /** Per Cassandra pod: request = limit for memory (the heap is half of it), CPU request in cores. */
    cpu: number;
    memoryGi: number;
  };
  mongodb: { mode: "operator" | "documentdb" | "atlas"; members: number; storageGi: number };
  services: {
    ingestReplicas: number;
    processor: ScaleRange;
    queryApi: ScaleRange;
    web: ScaleRange;
  };
  monitoring: boolean;
  /** In-cluster Cassandra and MongoDB backups to the stack's bucket (AWS stacks): cron schedule (UTC), days kept. */
  backups: { schedule: string; retentionDays: number };
  /** ACM certificate for the public web endpoint (AWS with exposeWeb: required, no plain HTTP on the internet). */
  webCertificateArn: string | undefined;
  /**
   * false: the operators (Strimzi, cass-operator, MongoDB, KEDA) and their CRDs are installed by someone else
   * (a platform team, or infra/src/engine-run.ts offline, where no chart repository is reachable).
   */
  installOperators: boolean;
  exposeWeb: boolean;
  /**
   * Proxies between the internet and the web pods whose X-Forwarded-For the web believes: 0 for the stack's own
   * load balancer (it keeps the client's address), 1 for an HTTP ingress or ALB put in front of it.
   */
  webProxyHops: number;
  /** PEM of the AWS CA bundle DocumentDB clients must trust (mongodb.mode=documentdb only). */
  documentdbCaBundle: string | undefined;
  /** Where ingest may reach JSON-RPC nodes (egress NetworkPolicy). */
  rpcEgressCidrs: string[];
  secrets: {
    ethRpcUrls: pulumi.Output<string>;
    cassandraPassword: pulumi.Output<string> | undefined;
    mongodbPassword: pulumi.Output<string> | undefined;
    mongodbUrl: pulumi.Output<string> | undefined;
    grafanaAdminPassword: pulumi.Output<string> | undefined;
  };
}

/** infra/release/images.json: the manifest the release workflow publishes (`pnpm images record`). */
export const defaultReleaseManifest = join(repoRoot, "infra/release/images.json");

/** A version tag (semver, optional pre-release) with an optional digest; never `latest` or a bare branch name. */
const pinnedTag = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?(?:@sha256:[0-9a-f]{64})?$/;

export function isPinnedTag(tag: string): boolean {
  return pinnedTag.test(tag);
}

function positiveInt(value: number | undefined, fallback: number, key: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new StackConfigError(`chainlog:${key} must be a positive integer`);
  return v;
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  key: string,
): T {
  const v = value ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new StackConfigError(`chainlog:${key} must be one of ${allowed.join(", ")} (got ${v})`);
  }
  return v as T;
}

interface RawEngine {
  mode?: string;
  brokers?: number;
  nodes?: number;
  members?: number;
  replicationFactor?: number;
  minInsyncReplicas?: number;
  partitions?: number;
  storageGi?: number;
}

/** Reads and validates the `chainlog:*` keys of the selected stack (see infra/README.md for each key). */
export function loadSettings(): StackSettings {
  const cfg = new pulumi.Config("chainlog");
  const awsCfg = new pulumi.Config("aws");
  const stack = pulumi.getStack();
  const useAws = cfg.getBoolean("aws") ?? false;

  let cloud: CloudSettings | undefined;
  if (useAws) {
    const nodes = cfg.getObject<{ min?: number; desired?: number; max?: number }>("nodesPerZone") ?? {};
    const nodesPerZone = {
      min: positiveInt(nodes.min, 1, "nodesPerZone.min"),
      desired: positiveInt(nodes.desired, 1, "nodesPerZone.desired"),
      max: positiveInt(nodes.max, 3, "nodesPerZone.max"),
    };
    if (nodesPerZone.min > nodesPerZone.desired || nodesPerZone.desired > nodesPerZone.max) {
      throw new StackConfigError("chainlog:nodesPerZone needs min <= desired <= max");
    }
    cloud = {
      region: awsCfg.require("region"),
      vpcCidr: cfg.get("vpcCidr") ?? "10.40.0.0/16",
      kubernetesVersion: cfg.get("kubernetesVersion") ?? "1.33",
      nodeInstanceTypes: cfg.getObject<string[]>("nodeInstanceTypes") ?? ["m6i.xlarge"],
      nodesPerZone,
      publicApiCidrs: apiCidrsOf(
        cfg.getObject<string[]>("publicApiCidrs") ?? [],
        cfg.getBoolean("privateApiOnly") ?? false,
      ),
    };
  }

  const rawTags = cfg.requireObject<Record<string, string>>("imageTags");
  const imageTags = {} as Record<ServiceName, string>;
  for (const name of serviceNames) {
    const tag = rawTags[name];
    if (!tag) throw new StackConfigError(`chainlog:imageTags.${name} is missing`);
    if (!isPinnedTag(tag)) {
      throw new StackConfigError(`chainlog:imageTags.${name} must be a pinned version, not "${tag}"`);
    }
    imageTags[name] = tag;
  }
  // Release → deploy: a stack names versions; the digests come from what the release workflow built and recorded.
  const manifestPath = cfg.get("releaseManifest") ?? defaultReleaseManifest;
  const imageRegistry = cfg.require("imageRegistry");
  const images = {} as Record<ServiceName, string>;
  try {
    const manifest = readReleaseManifest(manifestPath);
    for (const name of serviceNames) {
      const [version = "", pinned] = imageTags[name].replace(/^v/, "").split("@");
      const image = releasedImage(manifest, name, version, manifestPath);
      if (pinned && pinned !== image.digest) {
        throw new StackConfigError(
          `chainlog:imageTags.${name} pins ${pinned}, but ${name} ${version} was released as ${image.digest}`,
        );
      }
      images[name] = `${imageRegistry}/${name}:${version}@${image.digest}`;
    }
  } catch (error) {
    if (error instanceof ReleaseManifestError)
      throw new StackConfigError(`chainlog:imageTags: ${error.message}`);
    throw error;
  }

  const k = cfg.getObject<RawEngine>("kafka") ?? {};
  const kafka = {
    mode: oneOf(k.mode, ["strimzi", "msk"] as const, "strimzi", "kafka.mode"),
    brokers: positiveInt(k.brokers, 3, "kafka.brokers"),
    replicationFactor: positiveInt(k.replicationFactor, 3, "kafka.replicationFactor"),
    minInsyncReplicas: positiveInt(k.minInsyncReplicas, 2, "kafka.minInsyncReplicas"),
    partitions: positiveInt(k.partitions, 12, "kafka.partitions"),
    storageGi: positiveInt(k.storageGi, 100, "kafka.storageGi"),
  };
  if (kafka.replicationFactor > kafka.brokers) {
    throw new StackConfigError("chainlog:kafka.replicationFactor cannot exceed kafka.brokers");
  }
  if (kafka.minInsyncReplicas > kafka.replicationFactor) {
    throw new StackConfigError("chainlog:kafka.minInsyncReplicas cannot exceed kafka.replicationFactor");
  }

  const c =
    cfg.getObject<RawEngine & { keyspace?: string; datacenter?: string; cpu?: number; memoryGi?: number }>(
      "cassandra",
    ) ?? {};
  const cassandra = {
    mode: oneOf(c.mode, ["operator", "keyspaces"] as const, "operator", "cassandra.mode"),
    nodes: positiveInt(c.nodes, 3, "cassandra.nodes"),
    replicationFactor: positiveInt(c.replicationFactor, 3, "cassandra.replicationFactor"),
    storageGi: positiveInt(c.storageGi, 200, "cassandra.storageGi"),
    keyspace: c.keyspace ?? "chainlog",
    datacenter: c.datacenter ?? "dc1",
    cpu: c.cpu ?? (useAws ? 2 : 0.5),
    memoryGi: positiveInt(c.memoryGi, useAws ? 8 : 2, "cassandra.memoryGi"),
  };
  if (!(cassandra.cpu > 0))
    throw new StackConfigError("chainlog:cassandra.cpu must be a positive number of cores");
  if (cassandra.mode === "operator" && cassandra.replicationFactor > cassandra.nodes) {
    throw new StackConfigError("chainlog:cassandra.replicationFactor cannot exceed cassandra.nodes");
  }
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(cassandra.keyspace)) {
    throw new StackConfigError("chainlog:cassandra.keyspace must match ^[a-z][a-z0-9_]{0,47}$");
  }

  const m = cfg.getObject<RawEngine>("mongodb") ?? {};
  const mongodb = {
    mode: oneOf(m.mode, ["operator", "documentdb", "atlas"] as const, "operator", "mongodb.mode"),
    members: positiveInt(m.members, 3, "mongodb.members"),
    storageGi: positiveInt(m.storageGi, 50, "mongodb.storageGi"),
  };

  if (!cloud && (kafka.mode === "msk" || cassandra.mode === "keyspaces" || mongodb.mode === "documentdb")) {
    throw new StackConfigError("managed engines (msk, keyspaces, documentdb) need chainlog:aws=true");
  }

  const s = cfg.getObject<{
    ingestReplicas?: number;
    processor?: Partial<ScaleRange>;
    queryApi?: Partial<ScaleRange>;
    web?: Partial<ScaleRange>;
  }>("services");
  const range = (r: Partial<ScaleRange> | undefined, min: number, max: number, key: string): ScaleRange => {
    const out = { min: positiveInt(r?.min, min, `${key}.min`), max: positiveInt(r?.max, max, `${key}.max`) };
    if (out.min > out.max) throw new StackConfigError(`chainlog:${key} needs min <= max`);
    return out;
  };
  const services = {
    ingestReplicas: positiveInt(s?.ingestReplicas, 2, "services.ingestReplicas"),
    processor: range(s?.processor, 2, kafka.partitions, "services.processor"),
    queryApi: range(s?.queryApi, 2, 10, "services.queryApi"),
    web: range(s?.web, 2, 6, "services.web"),
  };
  // More consumers than partitions sit idle: the lag scaler must stop at the partition count.
  if (services.processor.max > kafka.partitions) {
    throw new StackConfigError("chainlog:services.processor.max cannot exceed kafka.partitions");
  }

  const secrets = {
    ethRpcUrls: cfg.requireSecret("ethRpcUrls"),
    cassandraPassword: cassandra.mode === "operator" ? cfg.requireSecret("cassandraPassword") : undefined,
    mongodbPassword: mongodb.mode === "operator" ? cfg.requireSecret("mongodbPassword") : undefined,
    mongodbUrl: mongodb.mode === "atlas" ? cfg.requireSecret("mongodbUrl") : undefined,
    grafanaAdminPassword:
      (cfg.getBoolean("monitoring") ?? false) ? cfg.requireSecret("grafanaAdminPassword") : undefined,
  };
  let documentdbCaBundle: string | undefined;
  if (mongodb.mode === "documentdb") {
    secrets.mongodbPassword = cfg.requireSecret("mongodbPassword");
    documentdbCaBundle = cfg.require("documentdbCaBundle");
    if (!documentdbCaBundle.includes("-----BEGIN CERTIFICATE-----")) {
      throw new StackConfigError("chainlog:documentdbCaBundle must be the PEM text of the AWS CA bundle");
    }
  }

  const b = cfg.getObject<{ schedule?: string; retentionDays?: number }>("backups") ?? {};
  const backups = {
    schedule: b.schedule ?? "17 2 * * *",
    retentionDays: positiveInt(b.retentionDays, 14, "backups.retentionDays"),
  };
  if (!/^(\S+\s+){4}\S+$/.test(backups.schedule.trim()))
    throw new StackConfigError(
      `chainlog:backups.schedule must be a 5-field cron expression (UTC), got "${backups.schedule}"`,
    );

  return {
    stack,
    cloud,
    namespace: cfg.get("namespace") ?? "chainlog",
    dataNamespace: cfg.get("dataNamespace") ?? "chainlog-data",
    storageClass: cfg.get("storageClass") ?? (cloud ? "gp3" : "standard"),
    imageRegistry,
    imageTags,
    images,
    logLevel: oneOf(
      cfg.get("logLevel"),
      ["fatal", "error", "warn", "info", "debug", "trace"] as const,
      "info",
      "logLevel",
    ),
    chainId: positiveInt(cfg.getNumber("chainId"), 1, "chainId"),
    kafka,
    cassandra,
    mongodb,
    services,
    monitoring: cfg.getBoolean("monitoring") ?? false,
    backups,
    webCertificateArn: webCertificateOf(
      cfg.get("webCertificateArn"),
      cloud !== undefined && (cfg.getBoolean("exposeWeb") ?? false),
    ),
    installOperators: cfg.getBoolean("installOperators") ?? true,
    exposeWeb: cfg.getBoolean("exposeWeb") ?? false,
    webProxyHops: webProxyHopsOf(cfg.getNumber("webProxyHops")),
    documentdbCaBundle,
    rpcEgressCidrs: cfg.getObject<string[]>("rpcEgressCidrs") ?? ["0.0.0.0/0"],
    secrets,
  };
}

const ipv4Cidr = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function apiCidrsOf(cidrs: string[], privateOnly: boolean): string[] {
  if (privateOnly) {
    if (cidrs.length > 0)
      throw new StackConfigError(
        "chainlog:privateApiOnly=true and chainlog:publicApiCidrs contradict each other",
      );
    return [];
  }
  if (cidrs.length === 0) {
    throw new StackConfigError(
      "chainlog:publicApiCidrs is empty: this stack creates the VPC and then talks to the EKS API, which would be " +
        "private-only and unreachable from where `pulumi up` runs. List the CIDRs allowed on the public endpoint " +
        "(e.g. `pulumi config set --path 'chainlog:publicApiCidrs[0]' \"$(curl -s https://checkip.amazonaws.com)/32\"`), " +
        "or set chainlog:privateApiOnly=true when every run is from inside the VPC (see infra/README.md)",
    );
  }
  for (const cidr of cidrs) {
    const m = ipv4Cidr.exec(cidr);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32)
      throw new StackConfigError(`chainlog:publicApiCidrs: ${cidr} is not an IPv4 CIDR`);
    if (Number(m[5]) < 8)
      throw new StackConfigError(
        `chainlog:publicApiCidrs: ${cidr} opens the API endpoint to a large part of the internet; list your own ranges`,
      );
  }
  return cidrs;
}

function webCertificateOf(arn: string | undefined, required: boolean): string | undefined {
  if (arn === undefined) {
    if (required)
      throw new StackConfigError(
        "chainlog:exposeWeb on AWS needs chainlog:webCertificateArn (an ACM certificate for the web's domain): " +
          "the load balancer serves HTTPS only",
      );
    return undefined;
  }
  if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/.test(arn))
    throw new StackConfigError(`chainlog:webCertificateArn must be an ACM certificate ARN (got ${arn})`);
  return arn;
}

function webProxyHopsOf(hops: number | undefined): number {
  if (hops === undefined) return 0;
  if (!Number.isInteger(hops) || hops < 0 || hops > 9)
    throw new Error("chainlog:webProxyHops must be an integer from 0 to 9");
  return hops;
}
