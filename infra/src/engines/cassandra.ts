import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../settings.ts";
import { engines } from "../versions.ts";

export const cassandraClusterName = "chainlog";
export const cassandraUser = "chainlog";
const superuserSecret = "chainlog-cassandra-superuser";
const configSecretName = "chainlog-cassandra-config";

/**
 * A cass-operator CassandraDatacenter. In the cloud each rack is pinned to one zone, so Cassandra's
 * NetworkTopologyStrategy with RF=3 keeps one replica per zone; the keyspace itself is created by the store with
 * CASSANDRA_REPLICATION_FACTOR. The superuser comes from a Pulumi config secret instead of an operator-generated
 * one, so the services can be given the same credentials.
 */
export function createCassandra(
  s: StackSettings,
  provider: k8s.Provider,
  namespace: pulumi.Input<string>,
  zones: pulumi.Input<string>[] | undefined,
  dependsOn: pulumi.Resource[],
): { contactPoints: string; localDc: string; passwordSecret: string } {
  const c = s.cassandra;
  const password = s.secrets.cassandraPassword;
  if (!password) throw new Error("cassandraPassword is required with cassandra.mode=operator");
  const secret = new k8s.core.v1.Secret(
    "cassandra-superuser",
    {
      metadata: { name: superuserSecret, namespace },
      type: "Opaque",
      stringData: { username: cassandraUser, password },
    },
    { provider },
  );
  const config = new k8s.core.v1.Secret(
    "cassandra-config",
    {
      metadata: { name: configSecretName, namespace },
      type: "Opaque",
      stringData: {
        config: JSON.stringify({
          "cassandra-yaml": {
            num_tokens: 16,
            authenticator: "PasswordAuthenticator",
            authorizer: "CassandraAuthorizer",
          },
          "jvm-server-options": zones
            ? { initial_heap_size: "4G", max_heap_size: "4G" }
            : { initial_heap_size: "1G", max_heap_size: "1G" },
        }),
      },
    },
    { provider },
  );
  const racks = zones
    ? zones.map((zone, i) => ({
        name: `rack${i + 1}`,
        nodeAffinityLabels: { "topology.kubernetes.io/zone": zone },
      }))
    : [{ name: "rack1" }];
  new k8s.apiextensions.CustomResource(
    "cassandra",
    {
      apiVersion: "cassandra.datastax.com/v1beta1",
      kind: "CassandraDatacenter",
      metadata: { name: c.datacenter, namespace },
      spec: {
        clusterName: cassandraClusterName,
        serverType: "cassandra",
        serverVersion: engines.cassandra,
        size: c.nodes,
        racks,
        // A laptop cluster may have one node; in the cloud one Cassandra per worker keeps failures independent.
        allowMultipleNodesPerWorker: zones === undefined,
        superuserSecretName: superuserSecret,
        storageConfig: {
          cassandraDataVolumeClaimSpec: {
            storageClassName: s.storageClass,
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: `${c.storageGi}Gi` } },
          },
        },
        resources: zones
          ? { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "8Gi" } }
          : { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } },
        // spec.config is typed `string` (format byte) with preserved unknown fields in the CRD: server-side apply,
        // which the provider uses, refuses an object there ("expected string"). configSecret is the
        // operator's other way in, and lets a config change roll the pods.
        configSecret: configSecretName,
      },
    },
    { provider, dependsOn: [...dependsOn, secret, config] },
  );
  return {
    contactPoints: `${cassandraClusterName}-${c.datacenter}-service.${s.dataNamespace}.svc`,
    localDc: c.datacenter,
    passwordSecret: superuserSecret,
  };
}
