import * as pulumi from "@pulumi/pulumi";
import type { EngineEndpoints } from "../engines/index.ts";
import type { ServiceName } from "../settings.ts";

type Statement = { Effect: "Allow"; Action: string[]; Resource: string | string[] };

/** KEDA's lag scaler on MSK reads group offsets and topic metadata, with a role of its own. */
export function kedaMskPolicy(mskArn: pulumi.Output<string>): pulumi.Output<string> {
  return mskArn.apply((msk) => {
    const scoped = (kind: string) => `${msk.replace(":cluster/", `:${kind}/`)}/*`;
    return JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: [
            "kafka-cluster:Connect",
            "kafka-cluster:DescribeCluster",
            "kafka-cluster:DescribeTopic",
            "kafka-cluster:DescribeGroup",
          ],
          Resource: [msk, scoped("topic"), scoped("group")],
        },
      ],
    });
  });
}

/** The AWS permissions one service's IRSA role gets: only the managed engines it uses, and S3 for exports. */
export function servicePolicy(
  name: ServiceName,
  e: EngineEndpoints,
  bucketArn: pulumi.Output<string> | undefined,
): pulumi.Output<string> | undefined {
  const needed = e.mskArn !== undefined || e.keyspaceArn !== undefined || (name === "query-api" && bucketArn);
  if (name === "web" || !needed) return undefined;
  return pulumi.all([e.mskArn, e.keyspaceArn, bucketArn]).apply(([msk, keyspace, bucket]) => {
    const statements: Statement[] = [];
    if (msk) {
      // MSK IAM resources: cluster/<name>/<uuid> → topic/<name>/<uuid>/* and group/<name>/<uuid>/*.
      const scoped = (kind: string) => `${msk.replace(":cluster/", `:${kind}/`)}/*`;
      statements.push({
        Effect: "Allow",
        Action: [
          "kafka-cluster:Connect",
          "kafka-cluster:DescribeCluster",
          "kafka-cluster:DescribeTopic",
          "kafka-cluster:ReadData",
          "kafka-cluster:WriteData",
          "kafka-cluster:DescribeGroup",
          "kafka-cluster:AlterGroup",
        ],
        Resource: [msk, scoped("topic"), scoped("group")],
      });
      if (name === "ingest") {
        statements.push({ Effect: "Allow", Action: ["kafka-cluster:WriteDataIdempotently"], Resource: msk });
      }
      if (name === "ingest" || name === "processor") {
        // MSK runs with auto.create.topics.enable=false: the bus topics are created by the services at start
        // (@chainlog/kafka-bus ensureTopics), so they need CreateTopic on the topics, nothing wider.
        statements.push({
          Effect: "Allow",
          Action: ["kafka-cluster:CreateTopic"],
          Resource: scoped("topic"),
        });
      }
    }
    if (keyspace) {
      statements.push({
        Effect: "Allow",
        Action: ["cassandra:Select", "cassandra:Modify", "cassandra:Create", "cassandra:Alter"],
        Resource: [keyspace, `${keyspace}table/*`],
      });
      // The driver reads system tables to discover peers.
      statements.push({
        Effect: "Allow",
        Action: ["cassandra:Select"],
        Resource: "arn:aws:cassandra:*:*:/keyspace/system*",
      });
    }
    if (bucket && name === "query-api") {
      statements.push({
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: `${bucket}/exports/*`,
      });
      statements.push({ Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucket });
    }
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
  });
}
