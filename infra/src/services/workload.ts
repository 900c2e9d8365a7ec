import { containerRuntime } from "@chainlog/images";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { spreadPolicy } from "../engines/placement.ts";
import { restrictedSecurityContext } from "../pod-security.ts";
import type { ServiceName } from "../settings.ts";

export type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface WorkloadSpec {
  name: ServiceName;
  namespace: pulumi.Input<string>;
  image: string;
  port: number;
  /** /metrics on its own port (the web, whose main port is public); scraped through a ClusterIP Service. */
  metricsPort?: number;
  /** Fixed count; undefined when an HPA or KEDA owns the replica count (Pulumi must not fight it). */
  replicas: number | undefined;
  resources: { cpu: string; memory: string; cpuLimit: string };
  env: EnvVar[];
  zoned: boolean;
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
  extraVolumes?: k8s.types.input.core.v1.Volume[];
  /** A digest of the Secret the pods read: a changed Secret changes the template, so the pods roll. */
  secretChecksum?: pulumi.Input<string>;
  extraMounts?: k8s.types.input.core.v1.VolumeMount[];
  serviceType?: "ClusterIP" | "LoadBalancer";
  /** ACM certificate the internet-facing load balancer terminates TLS with (port 443 → the pods' http port). */
  tlsCertificateArn?: string;
  dependsOn?: pulumi.Resource[];
}

export const appLabels = (name: ServiceName) => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/part-of": "chainlog",
});

export interface Workload {
  serviceAccount: k8s.core.v1.ServiceAccount;
  deployment: k8s.apps.v1.Deployment;
  service: k8s.core.v1.Service;
}

/**
 * One Chainlog service: its own ServiceAccount, a hardened Deployment (non-root, read-only root filesystem, no
 * capabilities, probes on /healthz and /readyz, zero-downtime rolling updates, zone spread), a Service and a
 * PodDisruptionBudget that lets a node drain take one pod at a time.
 */
export function createWorkload(spec: WorkloadSpec, provider: k8s.Provider): Workload {
  const labels = appLabels(spec.name);
  const opts = { provider };
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    spec.name,
    {
      metadata: {
        name: spec.name,
        namespace: spec.namespace,
        labels,
        annotations: spec.serviceAccountAnnotations,
      },
      // No service talks to the Kubernetes API (IRSA projects its own token): no API token in any pod.
      automountServiceAccountToken: false,
    },
    opts,
  );
  const httpGet = (path: string) => ({ path, port: "http" });
  const deployment = new k8s.apps.v1.Deployment(
    spec.name,
    {
      metadata: { name: spec.name, namespace: spec.namespace, labels },
      spec: {
        replicas: spec.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: labels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: {
            labels,
            annotations: {
              "prometheus.io/scrape": "true",
              "prometheus.io/port": String(spec.metricsPort ?? spec.port),
              "prometheus.io/path": "/metrics",
              ...(spec.secretChecksum ? { "chainlog.dev/secret-checksum": spec.secretChecksum } : {}),
            },
          },
          spec: {
            serviceAccountName: spec.name,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: containerRuntime.stopGraceSeconds,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: containerRuntime.uid,
              runAsGroup: containerRuntime.gid,
              fsGroup: containerRuntime.gid,
              seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraints: spreadPolicy(spec.zoned, labels),
            containers: [
              {
                name: spec.name,
                image: spec.image,
                imagePullPolicy: "IfNotPresent",
                ports: [
                  { name: "http", containerPort: spec.port, protocol: "TCP" },
                  ...(spec.metricsPort
                    ? [{ name: "metrics", containerPort: spec.metricsPort, protocol: "TCP" }]
                    : []),
                ],
                env: spec.env,
                resources: {
                  requests: { cpu: spec.resources.cpu, memory: spec.resources.memory },
                  limits: { cpu: spec.resources.cpuLimit, memory: spec.resources.memory },
                },
                startupProbe: {
                  httpGet: httpGet(containerRuntime.livenessPath),
                  periodSeconds: 2,
                  failureThreshold: 60,
                },
                livenessProbe: {
                  httpGet: httpGet(containerRuntime.livenessPath),
                  periodSeconds: 10,
                  timeoutSeconds: 3,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  httpGet: httpGet(containerRuntime.readinessPath),
                  periodSeconds: 5,
                  timeoutSeconds: 3,
                  failureThreshold: 2,
                },
                securityContext: restrictedSecurityContext,
                // The root filesystem is read-only; the image's data path and /tmp are the writable places.
                volumeMounts: [
                  { name: "tmp", mountPath: "/tmp" },
                  { name: "data", mountPath: containerRuntime.dataDir },
                  ...(spec.extraMounts ?? []),
                ],
              },
            ],
            volumes: [
              { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
              { name: "data", emptyDir: { sizeLimit: "1Gi" } },
              ...(spec.extraVolumes ?? []),
            ],
          },
        },
      },
    },
    { provider, dependsOn: spec.dependsOn },
  );
  const service = new k8s.core.v1.Service(
    spec.name,
    {
      metadata: {
        name: spec.name,
        namespace: spec.namespace,
        labels,
        annotations:
          spec.serviceType === "LoadBalancer"
            ? {
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                // A network load balancer passes the client's own address through to the pod.
                "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                ...(spec.tlsCertificateArn
                  ? {
                      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": spec.tlsCertificateArn,
                      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "https",
                      "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy":
                        "ELBSecurityPolicy-TLS13-1-2-2021-06",
                    }
                  : {}),
              }
            : undefined,
      },
      spec: {
        type: spec.serviceType ?? "ClusterIP",
        // Local: no second hop through another node's kube-proxy, which would replace the client's address.
        ...(spec.serviceType === "LoadBalancer" ? { externalTrafficPolicy: "Local" } : {}),
        selector: labels,
        ports: spec.tlsCertificateArn
          ? [{ name: "https", port: 443, targetPort: "http", protocol: "TCP" }]
          : [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
      },
    },
    opts,
  );
  if (spec.metricsPort)
    new k8s.core.v1.Service(
      `${spec.name}-metrics`,
      {
        metadata: { name: `${spec.name}-metrics`, namespace: spec.namespace, labels },
        spec: {
          type: "ClusterIP",
          selector: labels,
          ports: [{ name: "metrics", port: spec.metricsPort, targetPort: "metrics", protocol: "TCP" }],
        },
      },
      opts,
    );
  new k8s.policy.v1.PodDisruptionBudget(
    spec.name,
    {
      metadata: { name: spec.name, namespace: spec.namespace, labels },
      // maxUnavailable, not minAvailable: 1 — with a single replica (dev's processor, local) minAvailable 1 would
      // block every node drain forever; this still lets only one pod go at a time.
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    },
    opts,
  );
  return { serviceAccount, deployment, service };
}
