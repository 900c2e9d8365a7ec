/**
 * Every third-party chart and image the program deploys, pinned in one place so an upgrade is one reviewed diff.
 * Each chart version was checked against its project's published releases (Strimzi 0.47.0 → Kafka 3.9.x/4.0;
 * cass-operator chart 0.64.1 → operator v1.30; mongodb-kubernetes 1.9.1 (the newest whose digest is on record); KEDA 2.17.2; cluster-autoscaler 9.46.6;
 * kube-prometheus-stack 75.15.1). Bump with `helm search repo <chart> --versions`, then re-check the CRD schemas
 * kept in infra/crds/ (each file names its upstream tag; the API-server suite installs them).
 */
export const charts = {
  strimzi: { repo: "https://strimzi.io/charts/", chart: "strimzi-kafka-operator", version: "0.47.0" },
  cassOperator: { repo: "https://helm.k8ssandra.io/stable", chart: "cass-operator", version: "0.64.1" },
  mongodbKubernetes: {
    repo: "https://mongodb.github.io/helm-charts",
    chart: "mongodb-kubernetes",
    version: "1.9.1",
  },
  keda: { repo: "https://kedacore.github.io/charts", chart: "keda", version: "2.17.2" },
  clusterAutoscaler: {
    repo: "https://kubernetes.github.io/autoscaler",
    chart: "cluster-autoscaler",
    version: "9.46.6",
  },
  kubePrometheusStack: {
    repo: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    version: "75.15.1",
  },
} as const;

/** Engine versions the operators run (each supported by the chart version above). */
export const engines = {
  /** 3.9, not 4.x: Kafka 4 drops protocol versions kafkajs 2.2.4 still sends (same pin as @chainlog/engines). */
  kafka: "3.9.1",
  cassandra: "4.1.8",
  mongodb: "8.0.12",
} as const;

/**
 * Images of the backup CronJobs (src/engines/backups.ts), pinned by digest: a re-pushed tag never changes what a
 * backup runs. alpine/k8s bundles kubectl, the AWS CLI v2 and bash, versioned with kubectl; the MongoDB image
 * brings mongodump of the same server version. No registry is reachable here: each digest is the one public,
 * Renovate-pinned sources record for that tag (alpine/k8s:1.33.3 in two Dockerfiles, mongo:8.0.12 in a
 * Testcontainers setup; read 2026-12-06). Re-check with `skopeo inspect docker://<image>` when bumping.
 */
export const toolImages = {
  backupTools:
    "docker.io/alpine/k8s:1.33.3@sha256:47e4ea4c263fb4e14e51d7c5ca841da756673f18e2340f38c0cf1f7219d05e85",
  mongodbTools:
    "docker.io/library/mongo:8.0.12@sha256:108c3c1646aa75e8f75361024ae3f90b2ba9d2ad6d442d042bdeb269ef8d15bf",
} as const;
