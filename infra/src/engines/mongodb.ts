import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../settings.ts";
import { engines } from "../versions.ts";
import { spreadPolicy } from "./placement.ts";

export const mongoName = "chainlog-mongodb";
export const mongoUser = "chainlog";
export const mongoDatabase = "chainlog";
/** Basic-auth credentials of the agents' Prometheus endpoint (port `prometheus` of the replica set's Service). */
export const mongoMetricsSecret = `${mongoName}-metrics`;
export const mongoMetricsUser = "metrics";
/** The user the backup CronJob's mongodump signs in as (role `backup`: reads every database and the oplog). */
export const mongoBackupUser = "chainlog-backup";
export const mongoBackupSecret = `${mongoName}-backup`;

/**
 * A password for an auxiliary credential (metrics endpoint, backup user), derived from the stack's MongoDB secret
 * so there is no second secret to set and rotate; it cannot be turned back into the user's password.
 */
function derivedPassword(password: pulumi.Output<string>, purpose: string): pulumi.Output<string> {
  return pulumi
    .secret(password)
    .apply((pw) => createHash("sha256").update(`chainlog-mongodb-${purpose}:${pw}`).digest("hex"));
}

/** A MongoDBCommunity replica set (MongoDB Controllers for Kubernetes) with SCRAM auth and zone-spread members. */
export function createMongo(
  s: StackSettings,
  provider: k8s.Provider,
  namespace: pulumi.Input<string>,
  dependsOn: pulumi.Resource[],
): { url: pulumi.Output<string> } {
  const password = s.secrets.mongodbPassword;
  if (!password) throw new Error("mongodbPassword is required with mongodb.mode=operator");
  const zoned = s.cloud !== undefined;
  const secret = new k8s.core.v1.Secret(
    "mongodb-user",
    { metadata: { name: `${mongoName}-user`, namespace }, type: "Opaque", stringData: { password } },
    { provider },
  );
  new k8s.core.v1.Secret(
    "mongodb-metrics",
    {
      metadata: { name: mongoMetricsSecret, namespace },
      type: "Opaque",
      stringData: {
        username: mongoMetricsUser,
        password: derivedPassword(password, "metrics"),
      },
    },
    { provider },
  );
  const backupPassword = derivedPassword(password, "backup");
  const backupUserSecret = new k8s.core.v1.Secret(
    "mongodb-backup-user",
    {
      metadata: { name: `${mongoBackupSecret}-user`, namespace },
      type: "Opaque",
      stringData: { password: backupPassword },
    },
    { provider },
  );
  const labels = { app: `${mongoName}-svc` };
  new k8s.apiextensions.CustomResource(
    "mongodb",
    {
      apiVersion: "mongodbcommunity.mongodb.com/v1",
      kind: "MongoDBCommunity",
      metadata: { name: mongoName, namespace },
      spec: {
        members: s.mongodb.members,
        type: "ReplicaSet",
        version: engines.mongodb,
        security: { authentication: { modes: ["SCRAM"] } },
        users: [
          {
            name: mongoUser,
            db: "admin",
            passwordSecretRef: { name: `${mongoName}-user` },
            roles: [
              { name: "readWrite", db: mongoDatabase },
              { name: "clusterMonitor", db: "admin" },
            ],
            scramCredentialsSecretName: `${mongoName}-scram`,
          },
          {
            name: mongoBackupUser,
            db: "admin",
            passwordSecretRef: { name: `${mongoBackupSecret}-user` },
            roles: [{ name: "backup", db: "admin" }],
            scramCredentialsSecretName: `${mongoBackupSecret}-scram`,
          },
        ],
        // The MongoDB agent in each member serves Prometheus metrics (default port 9216) behind basic auth; the
        // operator adds the `prometheus` port to the replica set's Service, which the ServiceMonitor scrapes.
        prometheus: { username: mongoMetricsUser, passwordSecretRef: { name: mongoMetricsSecret } },
        additionalMongodConfig: { "storage.wiredTiger.engineConfig.journalCompressor": "zstd" },
        statefulSet: {
          spec: {
            template: {
              spec: {
                topologySpreadConstraints: spreadPolicy(zoned, labels),
                containers: [
                  {
                    name: "mongod",
                    resources: zoned
                      ? { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } }
                      : { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
                  },
                ],
              },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: "data-volume" },
                spec: {
                  storageClassName: s.storageClass,
                  accessModes: ["ReadWriteOnce"],
                  resources: { requests: { storage: `${s.mongodb.storageGi}Gi` } },
                },
              },
            ],
          },
        },
      },
    },
    { provider, dependsOn: [...dependsOn, secret, backupUserSecret] },
  );
  const hosts = [...Array(s.mongodb.members).keys()]
    .map((i) => `${mongoName}-${i}.${mongoName}-svc.${s.dataNamespace}.svc.cluster.local:27017`)
    .join(",");
  const url = pulumi
    .secret(password)
    .apply(
      (pw) =>
        `mongodb://${mongoUser}:${encodeURIComponent(pw)}@${hosts}/${mongoDatabase}?replicaSet=${mongoName}&authSource=admin`,
    );
  // What the backup CronJob's mongodump reads (Secret chainlog-mongodb-backup, key `uri`).
  new k8s.core.v1.Secret(
    "mongodb-backup",
    {
      metadata: { name: mongoBackupSecret, namespace },
      type: "Opaque",
      stringData: {
        uri: backupPassword.apply(
          (pw) => `mongodb://${mongoBackupUser}:${pw}@${hosts}/?replicaSet=${mongoName}&authSource=admin`,
        ),
      },
    },
    { provider },
  );
  return { url: pulumi.secret(url) };
}
