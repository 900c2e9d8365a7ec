import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../../settings.ts";

/**
 * An Amazon Keyspaces keyspace (replicated over three zones by the service itself). Reached over TLS on 9142 with
 * SigV4 auth from the pods' IRSA role. Keyspaces has no secondary indexes or materialized views and caps unlogged
 * batches at 30 statements: the store must not rely on either (see infra/README.md).
 */
export function createKeyspace(s: StackSettings): {
  arn: pulumi.Output<string>;
  contactPoints: string;
  localDc: string;
} {
  const region = s.cloud?.region;
  if (!region) throw new Error("Keyspaces needs an AWS region");
  const ks = new aws.keyspaces.Keyspace("keyspace", {
    name: s.cassandra.keyspace,
    replicationSpecification: { replicationStrategy: "SINGLE_REGION" },
  });
  return { arn: ks.arn, contactPoints: `cassandra.${region}.amazonaws.com:9142`, localDc: region };
}
