import { z } from "zod";
import { csv, doc } from "../env-values.ts";

/** Topics, whichever bus carries them. */
export const BusSlice = z.object({
  // 1 embedded: there one member holds a group's whole topic, so more partitions add no parallelism, only a
  // durable write per partition batch (raw catch-up ran 25–60 % faster with 1 than with 8 on the compare chain).
  BUS_PARTITIONS: doc(
    z.coerce.number().int().min(1).max(1024).optional(),
    "partitions of the bus topics when they are created",
    "1 embedded, 8 cluster",
  ),
});

export const KafkaSlice = z.object({
  KAFKA_BROKERS: doc(csv.default(["127.0.0.1:9092"]), "comma-separated bootstrap brokers (cluster mode)"),
  KAFKA_CLIENT_ID: doc(z.string().default("chainlog"), "Kafka client id (cluster mode)"),
  KAFKA_REPLICATION_FACTOR: doc(
    z.coerce.number().int().min(1).default(1),
    "replication factor of the topics Chainlog creates",
  ),
  KAFKA_SESSION_TIMEOUT_MS: doc(
    z.coerce.number().int().min(6_000).max(300_000).default(30_000),
    "how long a silent consumer keeps its partitions: the stall after a processor crash",
  ),
  KAFKA_AUTH: doc(
    z.enum(["none", "aws-msk-iam"]).default("none"),
    "aws-msk-iam: SASL OAUTHBEARER over TLS signed with the pod's AWS credentials in AWS_REGION",
  ),
});

export const CassandraSlice = z.object({
  CASSANDRA_CONTACT_POINTS: doc(csv.default(["127.0.0.1"]), "comma-separated Cassandra hosts (cluster mode)"),
  CASSANDRA_LOCAL_DC: doc(z.string().default("dc1"), "the Cassandra data center the driver prefers"),
  CASSANDRA_KEYSPACE: doc(
    z
      .string()
      .regex(
        /^[a-z][a-z0-9_]{0,47}$/,
        "expected a keyspace name: a lower-case letter, then letters, digits or _",
      )
      .default("chainlog"),
    "the keyspace Chainlog creates and uses",
  ),
  CASSANDRA_REPLICATION_FACTOR: doc(
    z.coerce.number().int().min(1).default(1),
    "replication factor of the keyspace Chainlog creates",
  ),
  CASSANDRA_USERNAME: doc(z.string().optional(), "password authentication's user"),
  CASSANDRA_PASSWORD: doc(z.string().optional(), "password authentication's password (a secret)"),
  CASSANDRA_AUTH: doc(
    z.enum(["none", "password", "aws-sigv4"]).optional(),
    "password (CASSANDRA_USERNAME/PASSWORD), aws-sigv4 (Amazon Keyspaces in AWS_REGION) or none",
    "password with a username, else none",
  ),
});

export const MongoSlice = z.object({
  MONGODB_URL: doc(
    z.string().default("mongodb://127.0.0.1:27017/chainlog"),
    "the MongoDB-wire metadata store (a secret when it carries credentials)",
  ),
  // mongodb with the embedded bus and store lets processes on several hosts share accounts and the leader lease.
  CHAINLOG_METASTORE: doc(
    z.enum(["embedded", "mongodb"]).optional(),
    "where accounts, jobs and leases live: embedded (meta.db) or mongodb (MONGODB_URL)",
    "follows CHAINLOG_MODE",
  ),
});

export const AwsSlice = z.object({
  AWS_REGION: doc(
    z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region like eu-west-1")
      .optional(),
    "region of MSK IAM, Keyspaces SigV4 and S3",
    "the AWS SDK's own chain",
  ),
});

/** S3 as the export sink, the lake and the export bucket reach it; the AWS SDK's own chain reads the rest. */
export const S3Slice = z.object({
  AWS_ENDPOINT_URL_S3: doc(
    z.string().url().optional(),
    "an S3-compatible server instead of AWS S3 (addressed path-style)",
    "AWS S3",
  ),
  AWS_ENDPOINT_URL: doc(
    z.string().url().optional(),
    "every AWS service's endpoint; S3's when AWS_ENDPOINT_URL_S3 is unset",
  ),
  S3_ENDPOINT: doc(
    z.string().url().optional(),
    "the S3 endpoint when neither AWS_ENDPOINT_URL_S3 nor AWS_ENDPOINT_URL is set",
  ),
  S3_FORCE_PATH_STYLE: doc(
    z.enum(["true", "false"]).optional(),
    "false: virtual-hosted addressing on a custom endpoint",
    "true with a custom endpoint",
  ),
  AWS_DEFAULT_REGION: doc(
    z.string().optional(),
    "the region when AWS_REGION is unset",
    "us-east-1 with a custom endpoint",
  ),
  AWS_ACCESS_KEY_ID: doc(
    z.string().optional(),
    "static credentials, before the rest of the AWS chain",
    "the AWS chain",
  ),
  AWS_SECRET_ACCESS_KEY: doc(z.string().optional(), "with AWS_ACCESS_KEY_ID (a secret)"),
  AWS_SESSION_TOKEN: doc(z.string().optional(), "with temporary AWS_ACCESS_KEY_ID credentials (a secret)"),
  AWS_PROFILE: doc(
    z.string().optional(),
    "the AWS profile the SDK's chain reads credentials and region from",
  ),
});
