import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export const ingestLeaseName = "chainlog-ingest-leader";

/**
 * Ingest runs one active leader and a warm standby that take turns through a Kubernetes Lease. The Lease is
 * created here so the ServiceAccount needs only get/update on that one object (no create, list or watch), and
 * Pulumi ignores its spec afterwards: the holders write it.
 */
export function createIngestLease(
  namespace: pulumi.Input<string>,
  serviceAccount: pulumi.Input<string>,
  provider: k8s.Provider,
): void {
  new k8s.coordination.v1.Lease(
    "ingest-leader",
    { metadata: { name: ingestLeaseName, namespace }, spec: { leaseDurationSeconds: 15 } },
    { provider, ignoreChanges: ["spec"] },
  );
  new k8s.rbac.v1.Role(
    "ingest-lease",
    {
      metadata: { name: "ingest-lease", namespace },
      rules: [
        {
          apiGroups: ["coordination.k8s.io"],
          resources: ["leases"],
          resourceNames: [ingestLeaseName],
          verbs: ["get", "update"],
        },
      ],
    },
    { provider },
  );
  new k8s.rbac.v1.RoleBinding(
    "ingest-lease",
    {
      metadata: { name: "ingest-lease", namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "ingest-lease" },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace }],
    },
    { provider },
  );
}
