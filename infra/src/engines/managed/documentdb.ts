import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../../settings.ts";

/** Where the services find the AWS CA bundle (a ConfigMap filled from chainlog:documentdbCaBundle). */
export const documentDbCaPath = "/etc/chainlog/aws-ca/global-bundle.pem";

/**
 * Amazon DocumentDB: three instances across zones, encrypted, TLS enforced by the parameter group. Clients must
 * trust the AWS CA bundle and disable retryable writes (DocumentDB rejects them).
 */
export function createDocumentDb(
  s: StackSettings,
  subnetIds: pulumi.Input<string>[],
  vpcId: pulumi.Input<string>,
  clientSecurityGroupId: pulumi.Input<string>,
): { url: pulumi.Output<string> } {
  const password = s.secrets.mongodbPassword;
  if (!password) throw new Error("mongodbPassword is required with mongodb.mode=documentdb");
  const sg = new aws.ec2.SecurityGroup("docdb", {
    vpcId,
    description: "DocumentDB: from the EKS nodes' (pods') security group only",
    ingress: [{ protocol: "tcp", fromPort: 27017, toPort: 27017, securityGroups: [clientSecurityGroupId] }],
    egress: [],
  });
  const subnets = new aws.docdb.SubnetGroup("docdb", { subnetIds });
  const params = new aws.docdb.ClusterParameterGroup("docdb", {
    family: "docdb5.0",
    parameters: [{ name: "tls", value: "enabled" }],
  });
  const production = s.stack === "prod";
  const cluster = new aws.docdb.Cluster("docdb", {
    engine: "docdb",
    masterUsername: "chainlog",
    masterPassword: password,
    dbSubnetGroupName: subnets.name,
    dbClusterParameterGroupName: params.name,
    vpcSecurityGroupIds: [sg.id],
    storageEncrypted: true,
    backupRetentionPeriod: production ? 14 : 3,
    deletionProtection: production,
    skipFinalSnapshot: !production,
    finalSnapshotIdentifier: production ? `chainlog-${s.stack}-final` : undefined,
  });
  for (let i = 0; i < s.mongodb.members; i++) {
    new aws.docdb.ClusterInstance(`docdb-${i}`, {
      clusterIdentifier: cluster.id,
      instanceClass: "db.r6g.large",
    });
  }
  const url = pulumi
    .all([cluster.endpoint, pulumi.secret(password)])
    .apply(
      ([host, pw]) =>
        `mongodb://chainlog:${encodeURIComponent(pw)}@${host}:27017/chainlog?tls=true&tlsCAFile=${encodeURIComponent(documentDbCaPath)}&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false`,
    );
  return { url: pulumi.secret(url) };
}
