import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { createClusterAddons } from "./cluster/addons.ts";
import { createCluster } from "./cluster/eks.ts";
import { createBackups } from "./engines/backups.ts";
import { createEngines } from "./engines/index.ts";
import { createMonitoring } from "./monitoring/index.ts";
import { createNetwork } from "./network/vpc.ts";
import { createServices } from "./services/index.ts";
import type { StackSettings } from "./settings.ts";
import { createDataBucket } from "./storage/bucket.ts";
import { createLakeCatalog } from "./storage/lake-catalog.ts";

export interface ProgramOutputs {
  namespace: string;
  kafkaBrokers: pulumi.Input<string>;
  cassandraContactPoints: string;
  clusterName?: string;
  dataBucket?: pulumi.Output<string>;
  /** Glue database and Athena workgroup over the bucket's lake/ prefix. */
  lakeDatabase?: string;
  lakeWorkgroup?: string;
}

/**
 * The whole environment for one stack. Concerns stay in their folders (network, cluster, storage, engines,
 * services, monitoring); this only wires their outputs together.
 */
export function deploy(s: StackSettings): ProgramOutputs {
  if (!s.cloud) {
    // `local`: whatever kubeconfig/context is current (kind, minikube, Docker Desktop); nothing in AWS.
    const provider = new k8s.Provider("local", { enableServerSideApply: true });
    const engines = createEngines(s, provider, undefined);
    const workloads = createServices(s, provider, engines, undefined);
    createMonitoring(s, provider, s.namespace, [workloads.web.deployment]);
    return {
      namespace: s.namespace,
      kafkaBrokers: engines.kafkaBrokers,
      cassandraContactPoints: engines.cassandraContactPoints,
    };
  }
  const name = `chainlog-${s.stack}`;
  const network = createNetwork(name, s.cloud.vpcCidr, name);
  const cluster = createCluster(name, s.cloud, network);
  createClusterAddons(cluster, s.cloud.region);
  const bucket = createDataBucket(name, s.backups.retentionDays);
  const lake = createLakeCatalog(name, s.stack, bucket);
  const engines = createEngines(s, cluster.provider, {
    network,
    podSecurityGroupId: cluster.podSecurityGroupId,
  });
  createBackups(
    s,
    cluster.provider,
    { oidc: cluster.oidc, bucketName: bucket.bucket, bucketArn: bucket.arn },
    s.cloud.region,
    [engines.dataNamespace],
  );
  const workloads = createServices(s, cluster.provider, engines, {
    oidc: cluster.oidc,
    bucketArn: bucket.arn,
    bucketName: bucket.bucket,
  });
  createMonitoring(s, cluster.provider, s.namespace, [workloads.web.deployment], {
    database: lake.databaseName,
    workgroup: lake.workgroupName,
    region: s.cloud.region,
    oidc: cluster.oidc,
    bucketArn: bucket.arn,
  });
  return {
    namespace: s.namespace,
    kafkaBrokers: engines.kafkaBrokers,
    cassandraContactPoints: engines.cassandraContactPoints,
    clusterName: name,
    dataBucket: bucket.bucket,
    lakeDatabase: lake.databaseName,
    lakeWorkgroup: lake.workgroupName,
  };
}
