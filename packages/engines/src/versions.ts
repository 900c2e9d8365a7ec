/** Every engine is pinned; bumping one here re-installs it into a new cache folder. */
export const Versions = {
  /** 3.9.x rather than 4.x: Kafka 4 drops the old protocol versions kafkajs 2.2.4 still sends. */
  kafka: "3.9.1",
  scala: "2.13",
  /** Kafka's POM names no logging backend; 3.x logs through slf4j 1.7 + reload4j. */
  slf4jReload4j: "1.7.36",
  /** 4.1 does not start on JDK 17; 5.0 does with the jvm17 module flags. */
  cassandra: "5.0.6",
  ferretdb: "v1.24.2",
  mavenDependencyPlugin: "3.6.1",
} as const;

/** A real Kubernetes API server (no kubelet) and the Pulumi engine, built from Go modules; see install-go-tools.ts. */
export const KubeVersions = {
  etcd: "v3.6.14",
  kubernetes: "v1.35.4",
  /** The staging modules (k8s.io/api, apiserver, …) are published as v0.<minor>.<patch>. */
  kubernetesStaging: "v0.35.4",
  /** 3.249 declares Node ≥ 22; the project runs Node 20. */
  pulumi: "v3.248.0",
  /** The proxy serves provider/v4 only as a pseudo-version (no tagged provider/v4 module). */
  pulumiKubernetes: "v4.0.0-20260115033456-f47bc2d6f199",
} as const;

export const MinJavaMajor = 17;
/** FerretDB v1.24.2's go.mod says go 1.24. */
export const MinGoMinor = 24;
