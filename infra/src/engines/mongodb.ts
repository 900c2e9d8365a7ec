import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../settings.ts";
import { engines } from "../versions.ts";
import { spreadPolicy } from "./placement.ts";

export const mongoName = "chainlog-mongodb";
export const mongoUser = "chainlog";
export const mongoDatabase = "chainlog";

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
        ],
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
    { provider, dependsOn: [...dependsOn, secret] },
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
  return { url: pulumi.secret(url) };
}
