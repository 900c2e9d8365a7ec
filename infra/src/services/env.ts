import { listServices } from "@chainlog/images";
import type * as pulumi from "@pulumi/pulumi";
import type { EngineEndpoints } from "../engines/index.ts";
import { type ServiceName, type StackSettings, serviceNames } from "../settings.ts";
import type { EnvVar } from "./workload.ts";

/** Each service's port, as its image is built (services/<name>/package.json, "chainlog": { "image": … }). */
export const ports = Object.fromEntries(
  serviceNames.map((name) => {
    const spec = listServices().find((x) => x.service === name);
    if (!spec) throw new Error(`services/${name} does not exist, but the stacks deploy it`);
    return [name, spec.port];
  }),
) as Record<ServiceName, number>;
/** The web's /metrics has a port of its own: its main port is the public one. */
export const webMetricsPort = 9103;
export const appSecretName = "chainlog-secrets";

const fromSecret = (name: string, key: string): EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: appSecretName, key } },
});

/**
 * The environment every Chainlog container reads (packages/runtime-config). Credentials come only from the
 * `chainlog-secrets` Secret via secretKeyRef, never as literal values in the pod spec.
 */
export function serviceEnv(s: StackSettings, e: EngineEndpoints, brokers: pulumi.Input<string>): EnvVar[] {
  const env: EnvVar[] = [
    { name: "CHAINLOG_MODE", value: "cluster" },
    { name: "CHAIN_ID", value: String(s.chainId) },
    { name: "LOG_LEVEL", value: s.logLevel },
    { name: "KAFKA_BROKERS", value: brokers },
    { name: "KAFKA_CLIENT_ID", value: `chainlog-${s.stack}` },
    { name: "KAFKA_REPLICATION_FACTOR", value: String(s.kafka.replicationFactor) },
    { name: "BUS_PARTITIONS", value: String(s.kafka.partitions) },
    { name: "CASSANDRA_CONTACT_POINTS", value: e.cassandraContactPoints },
    { name: "CASSANDRA_LOCAL_DC", value: e.cassandraLocalDc },
    { name: "CASSANDRA_KEYSPACE", value: s.cassandra.keyspace },
    { name: "CASSANDRA_REPLICATION_FACTOR", value: String(s.cassandra.replicationFactor) },
    fromSecret("MONGODB_URL", "MONGODB_URL"),
    fromSecret("ETH_RPC_URLS", "ETH_RPC_URLS"),
    { name: "API_HOST", value: "0.0.0.0" },
    { name: "API_PORT", value: String(ports["query-api"]) },
    { name: "WEB_HOST", value: "0.0.0.0" },
    { name: "WEB_PORT", value: String(ports.web) },
    { name: "WEB_METRICS_HOST", value: "0.0.0.0" },
    { name: "WEB_METRICS_PORT", value: String(webMetricsPort) },
    // The load balancer keeps the client's address (externalTrafficPolicy Local): no hop in front to believe.
    { name: "WEB_TRUST_PROXY", value: String(s.webProxyHops) },
    // query-api is reachable from the web pods alone (NetworkPolicy): that one hop's X-Forwarded-For, written
    // by the web from the address it saw, is the client.
    { name: "API_TRUST_PROXY", value: "1" },
    { name: "QUERY_API_URL", value: `http://query-api.${s.namespace}.svc:${ports["query-api"]}` },
    { name: "INGEST_HTTP_HOST", value: "0.0.0.0" },
    { name: "INGEST_HTTP_PORT", value: String(ports.ingest) },
    { name: "PROCESSOR_HTTP_HOST", value: "0.0.0.0" },
    { name: "PROCESSOR_HTTP_PORT", value: String(ports.processor) },
    { name: "NODE_OPTIONS", value: "--enable-source-maps" },
  ];
  if (s.cassandra.mode === "operator") {
    env.push(
      { name: "CASSANDRA_USERNAME", value: "chainlog" },
      fromSecret("CASSANDRA_PASSWORD", "CASSANDRA_PASSWORD"),
    );
  }
  if (e.managed.kafka) env.push({ name: "KAFKA_AUTH", value: "aws-msk-iam" });
  if (e.managed.cassandra) env.push({ name: "CASSANDRA_AUTH", value: "aws-sigv4" });
  if (s.cloud) env.push({ name: "AWS_REGION", value: s.cloud.region });
  return env;
}
