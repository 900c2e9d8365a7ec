import { listServices } from "@chainlog/images";
import type { ProgramEnvName } from "@chainlog/runtime-config";
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

/**
 * A variable set on `S`'s container. Its name must be one `S` reads, per @chainlog/runtime-config's slices:
 * setting one the service does not read fails to compile here, and stacks.test.ts checks the rendered pods.
 */
type VarOf<S extends ServiceName> = Omit<EnvVar, "name"> & { name: ProgramEnvName<S> };
/** Variables ingest, the processor and query-api all read: the bus, the store and the metadata store. */
type BackendVar = VarOf<"ingest"> & VarOf<"processor"> & VarOf<"query-api">;
/** Variables every service reads. */
type SharedVar = BackendVar & VarOf<"web">;

const fromSecret = (name: BackendVar["name"], key: string): BackendVar => ({
  name,
  valueFrom: { secretKeyRef: { name: appSecretName, key } },
});

/** What a service's environment is built from besides the stack settings. */
export interface ServiceEnvInputs {
  engines: EngineEndpoints;
  brokers: pulumi.Input<string>;
  /** The export bucket on AWS stacks (query-api's CHAINLOG_EXPORT_BUCKET). */
  exportBucket?: pulumi.Input<string>;
}

/**
 * The environment each Chainlog container reads. Credentials come only from the `chainlog-secrets` Secret via
 * secretKeyRef, never as literal values in the pod spec, and only to the services that read them.
 */
export function serviceEnv(s: StackSettings, inputs: ServiceEnvInputs): Record<ServiceName, EnvVar[]> {
  const e = inputs.engines;
  const shared: SharedVar[] = [
    { name: "CHAINLOG_MODE", value: "cluster" },
    { name: "LOG_LEVEL", value: s.logLevel },
    { name: "NODE_OPTIONS", value: "--enable-source-maps" },
  ];
  const backend: BackendVar[] = [
    { name: "KAFKA_BROKERS", value: inputs.brokers },
    { name: "KAFKA_CLIENT_ID", value: `chainlog-${s.stack}` },
    { name: "KAFKA_REPLICATION_FACTOR", value: String(s.kafka.replicationFactor) },
    { name: "BUS_PARTITIONS", value: String(s.kafka.partitions) },
    { name: "CASSANDRA_CONTACT_POINTS", value: e.cassandraContactPoints },
    { name: "CASSANDRA_LOCAL_DC", value: e.cassandraLocalDc },
    { name: "CASSANDRA_KEYSPACE", value: s.cassandra.keyspace },
    { name: "CASSANDRA_REPLICATION_FACTOR", value: String(s.cassandra.replicationFactor) },
    fromSecret("MONGODB_URL", "MONGODB_URL"),
    fromSecret("ETH_RPC_URLS", "ETH_RPC_URLS"),
  ];
  if (s.cassandra.mode === "operator") {
    backend.push(
      { name: "CASSANDRA_USERNAME", value: "chainlog" },
      fromSecret("CASSANDRA_PASSWORD", "CASSANDRA_PASSWORD"),
    );
  }
  if (e.managed.kafka) backend.push({ name: "KAFKA_AUTH", value: "aws-msk-iam" });
  if (e.managed.cassandra) backend.push({ name: "CASSANDRA_AUTH", value: "aws-sigv4" });
  if (s.cloud) backend.push({ name: "AWS_REGION", value: s.cloud.region });

  const ingest: VarOf<"ingest">[] = [
    ...shared,
    ...backend,
    { name: "CHAIN_ID", value: String(s.chainId) },
    { name: "INGEST_HTTP_HOST", value: "0.0.0.0" },
    { name: "INGEST_HTTP_PORT", value: String(ports.ingest) },
    // Ingest's leader lease lives in the metadata store (services/ingest/src/leader), not in a Kubernetes
    // Lease: no service talks to the Kubernetes API, so none has RBAC or a token. This is the lease's duration.
    { name: "CHAINLOG_LEADER_LEASE", value: "15s" },
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
  ];
  const processor: VarOf<"processor">[] = [
    ...shared,
    ...backend,
    { name: "PROCESSOR_HTTP_HOST", value: "0.0.0.0" },
    { name: "PROCESSOR_HTTP_PORT", value: String(ports.processor) },
  ];
  const queryApi: VarOf<"query-api">[] = [
    ...shared,
    ...backend,
    { name: "API_HOST", value: "0.0.0.0" },
    { name: "API_PORT", value: String(ports["query-api"]) },
    // query-api is reachable from the web pods alone (NetworkPolicy): that one hop's X-Forwarded-For, written
    // by the web from the address it saw, is the client.
    { name: "API_TRUST_PROXY", value: "1" },
  ];
  if (inputs.exportBucket) queryApi.push({ name: "CHAINLOG_EXPORT_BUCKET", value: inputs.exportBucket });
  const web: VarOf<"web">[] = [
    ...shared,
    { name: "WEB_HOST", value: "0.0.0.0" },
    { name: "WEB_PORT", value: String(ports.web) },
    { name: "WEB_METRICS_HOST", value: "0.0.0.0" },
    { name: "WEB_METRICS_PORT", value: String(webMetricsPort) },
    // The load balancer keeps the client's address (externalTrafficPolicy Local): no hop in front to believe.
    { name: "WEB_TRUST_PROXY", value: String(s.webProxyHops) },
    { name: "QUERY_API_URL", value: `http://query-api.${s.namespace}.svc:${ports["query-api"]}` },
  ];
  return { ingest, processor, "query-api": queryApi, web };
}
