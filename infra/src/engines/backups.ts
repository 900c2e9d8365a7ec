import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { createIrsaRole, type OidcIssuer } from "../cluster/irsa.ts";
import { restrictedSecurityContext } from "../pod-security.ts";
import type { StackSettings } from "../settings.ts";
import { toolImages } from "../versions.ts";
import { cassandraClusterName } from "./cassandra.ts";
import { mongoBackupSecret } from "./mongodb.ts";

/** Where backups go: the stack's bucket, under backups/<engine>/<UTC timestamp>/. */
export interface BackupTarget {
  oidc: OidcIssuer;
  bucketName: pulumi.Output<string>;
  bucketArn: pulumi.Output<string>;
}

/** What every backup job is made from. */
interface BackupContext {
  s: StackSettings;
  provider: k8s.Provider;
  target: BackupTarget;
  region: string;
  dependsOn: pulumi.Resource[];
}

export const backupPrefix = "backups";
const uid = 10001;

/** Writes and reads one engine's prefix of the bucket; only the backup job's ServiceAccount may assume it. */
function backupPolicy(bucketArn: pulumi.Output<string>, engine: string): pulumi.Output<string> {
  return bucketArn.apply((bucket) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
          Resource: `${bucket}/${backupPrefix}/${engine}/*`,
        },
        {
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: bucket,
          Condition: { StringLike: { "s3:prefix": [`${backupPrefix}/${engine}/*`] } },
        },
        { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: "*" },
      ],
    }),
  );
}

function cronJob(
  name: string,
  namespace: string,
  schedule: string,
  serviceAccount: string,
  pod: Pick<k8s.types.input.core.v1.PodSpec, "initContainers" | "containers" | "volumes">,
  provider: k8s.Provider,
  dependsOn: pulumi.Resource[],
): k8s.batch.v1.CronJob {
  return new k8s.batch.v1.CronJob(
    name,
    {
      metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "chainlog" } },
      spec: {
        schedule,
        timeZone: "Etc/UTC",
        // A backup that is still running when the next one is due keeps going; the next one is skipped.
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 6 * 3600,
            template: {
              metadata: { labels: { "app.kubernetes.io/name": name } },
              spec: {
                serviceAccountName: serviceAccount,
                restartPolicy: "Never",
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: uid,
                  runAsGroup: uid,
                  fsGroup: uid,
                  seccompProfile: { type: "RuntimeDefault" },
                },
                ...pod,
              },
            },
          },
        },
      },
    },
    { provider, dependsOn },
  );
}

/** The job's ServiceAccount `<engine>-backup`, bound through IRSA to a role for its engine's prefix only. */
function backupServiceAccount(
  { s, provider, target, dependsOn }: BackupContext,
  engine: "cassandra" | "mongodb",
): string {
  const name = `${engine}-backup`;
  const role = createIrsaRole(
    `${s.stack}-${name}`,
    target.oidc,
    s.dataNamespace,
    name,
    backupPolicy(target.bucketArn, engine),
  );
  new k8s.core.v1.ServiceAccount(
    name,
    {
      metadata: {
        name,
        namespace: s.dataNamespace,
        annotations: { "eks.amazonaws.com/role-arn": role.arn },
      },
    },
    { provider, dependsOn },
  );
  return name;
}

const tmp = { name: "tmp", emptyDir: {} };
const toolEnv = (bucket: pulumi.Output<string>, region: string) => [
  { name: "HOME", value: "/tmp" },
  { name: "BUCKET", value: bucket },
  { name: "AWS_REGION", value: region },
];

/**
 * Cassandra: cass-operator has no backup resource (Medusa's MedusaBackupSchedule needs k8ssandra-operator and a
 * K8ssandraCluster instead of the CassandraDatacenter this stack runs), so a CronJob does what Medusa automates:
 * `nodetool snapshot` on every node (hard links, instant, consistent per node; each table's snapshot carries its
 * schema.cql), the snapshot files streamed out as one tar per node to s3://<bucket>/backups/cassandra/<ts>/, then
 * `nodetool clearsnapshot`. Restoring is in infra/README.md.
 */
function cassandraBackup(c: BackupContext): void {
  const { s, provider, target, region, dependsOn } = c;
  const ns = s.dataNamespace;
  const name = backupServiceAccount(c, "cassandra");
  // Finds the Cassandra pods and runs nodetool in them: nothing else in the cluster.
  new k8s.rbac.v1.Role(
    name,
    {
      metadata: { name, namespace: ns },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
        { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
      ],
    },
    { provider, dependsOn },
  );
  new k8s.rbac.v1.RoleBinding(
    name,
    {
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
    },
    { provider, dependsOn },
  );
  const script = [
    "set -euo pipefail",
    'tag="chainlog-$(date -u +%Y%m%dT%H%M%SZ)"',
    `pods=$(kubectl get pods -n "$NAMESPACE" -l "cassandra.datastax.com/cluster=${cassandraClusterName},cassandra.datastax.com/datacenter=$DATACENTER" -o jsonpath='{.items[*].metadata.name}')`,
    '[ -n "$pods" ] || { echo "no Cassandra pods found" >&2; exit 1; }',
    'clear() { for p in $pods; do kubectl exec -n "$NAMESPACE" "$p" -c cassandra -- nodetool clearsnapshot -t "$tag" || true; done; }',
    "trap clear EXIT",
    // Snapshot every node first, close together in time, then copy: the copies can take long.
    'for p in $pods; do kubectl exec -n "$NAMESPACE" "$p" -c cassandra -- nodetool snapshot -t "$tag"; done',
    "for p in $pods; do",
    `  kubectl exec -n "$NAMESPACE" "$p" -c cassandra -- sh -c "cd /var/lib/cassandra/data && find . -path '*/snapshots/$tag/*' -type f | tar -cf - -T -" | gzip | aws s3 cp - "s3://$BUCKET/${backupPrefix}/cassandra/$tag/$p.tar.gz"`,
    "done",
    'echo "backup $tag of $(echo $pods | wc -w) nodes in s3://$BUCKET/' + backupPrefix + '/cassandra/$tag/"',
  ].join("\n");
  cronJob(
    name,
    ns,
    s.backups.schedule,
    name,
    {
      containers: [
        {
          name: "backup",
          image: toolImages.backupTools,
          command: ["bash", "-c", script],
          env: [
            ...toolEnv(target.bucketName, region),
            { name: "NAMESPACE", value: ns },
            { name: "DATACENTER", value: s.cassandra.datacenter },
          ],
          resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
          securityContext: restrictedSecurityContext,
          volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        },
      ],
      volumes: [tmp],
    },
    provider,
    dependsOn,
  );
}

/**
 * MongoDB: the community operator (MongoDBCommunity) has no backup resource, so a CronJob runs `mongodump
 * --oplog` (a point-in-time consistent archive of the replica set) as the `chainlog-backup` user into a scratch
 * volume, then the AWS CLI uploads it to s3://<bucket>/backups/mongodb/<ts>.archive.gz.
 */
function mongoBackup(c: BackupContext): void {
  const { s, provider, target, region, dependsOn } = c;
  const ns = s.dataNamespace;
  const name = backupServiceAccount(c, "mongodb");
  cronJob(
    name,
    ns,
    s.backups.schedule,
    name,
    {
      initContainers: [
        {
          name: "dump",
          image: toolImages.mongodbTools,
          command: [
            "bash",
            "-c",
            'set -euo pipefail\nmongodump --uri="$MONGODB_URI" --oplog --gzip --archive=/dump/dump.archive.gz\nls -l /dump',
          ],
          env: [
            { name: "MONGODB_URI", valueFrom: { secretKeyRef: { name: mongoBackupSecret, key: "uri" } } },
          ],
          resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
          securityContext: restrictedSecurityContext,
          volumeMounts: [
            { name: "dump", mountPath: "/dump" },
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
      ],
      containers: [
        {
          name: "upload",
          image: toolImages.backupTools,
          command: [
            "bash",
            "-c",
            [
              "set -euo pipefail",
              `key="${backupPrefix}/mongodb/chainlog-$(date -u +%Y%m%dT%H%M%SZ).archive.gz"`,
              'aws s3 cp /dump/dump.archive.gz "s3://$BUCKET/$key"',
              'echo "backup in s3://$BUCKET/$key"',
            ].join("\n"),
          ],
          env: toolEnv(target.bucketName, region),
          resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
          securityContext: restrictedSecurityContext,
          volumeMounts: [
            { name: "dump", mountPath: "/dump", readOnly: true },
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
      ],
      volumes: [
        tmp,
        // Scratch space as large as the members' volumes, released with the pod.
        {
          name: "dump",
          ephemeral: {
            volumeClaimTemplate: {
              spec: {
                storageClassName: s.storageClass,
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: `${s.mongodb.storageGi}Gi` } },
              },
            },
          },
        },
      ],
    },
    provider,
    dependsOn,
  );
}

/** Scheduled backups of the in-cluster Cassandra and MongoDB to the stack's bucket (AWS stacks). */
export function createBackups(
  s: StackSettings,
  provider: k8s.Provider,
  target: BackupTarget,
  region: string,
  dependsOn: pulumi.Resource[],
): void {
  const c = { s, provider, target, region, dependsOn };
  if (s.cassandra.mode === "operator") cassandraBackup(c);
  if (s.mongodb.mode === "operator") mongoBackup(c);
}
