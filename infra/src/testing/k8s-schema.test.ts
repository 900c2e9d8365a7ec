import { describe, expect, it } from "vitest";
import { SchemaViolationError, validateKubernetesObject } from "./k8s-schema.ts";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "web:1.0.0" }] },
    },
  },
};

const nodePool = {
  apiVersion: "kafka.strimzi.io/v1beta2",
  kind: "KafkaNodePool",
  metadata: { name: "dual", labels: { "strimzi.io/cluster": "chainlog" } },
  spec: {
    replicas: 3,
    roles: ["controller", "broker"],
    storage: { type: "jbod", volumes: [{ id: 0, type: "persistent-claim", size: "10Gi" }] },
  },
};

describe("offline Kubernetes schema validation", () => {
  it("accepts well-formed built-in and custom objects", () => {
    expect(() => validateKubernetesObject(deployment)).not.toThrow();
    expect(() => validateKubernetesObject(nodePool)).not.toThrow();
  });

  it("rejects a built-in object that breaks the OpenAPI schema", () => {
    const bad = { ...deployment, spec: { ...deployment.spec, replicas: "three" } };
    expect(() => validateKubernetesObject(bad)).toThrow(SchemaViolationError);
    const noContainers = { ...deployment, spec: { ...deployment.spec, template: { spec: {} } } };
    expect(() => validateKubernetesObject(noContainers)).toThrow(/containers/);
  });

  it("rejects custom resources with a misspelt field, a bad enum or a missing required field", () => {
    expect(() => validateKubernetesObject({ ...nodePool, spec: { ...nodePool.spec, replica: 3 } })).toThrow(
      /additional properties/,
    );
    expect(() =>
      validateKubernetesObject({ ...nodePool, spec: { ...nodePool.spec, roles: ["leader"] } }),
    ).toThrow(/allowed values/);
    const { roles: _roles, ...noRoles } = nodePool.spec;
    expect(() => validateKubernetesObject({ ...nodePool, spec: noRoles })).toThrow(/roles/);
  });

  it("rejects kinds it has no schema for instead of passing them silently", () => {
    expect(() =>
      validateKubernetesObject({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
    ).toThrow(/no schema/);
    expect(() =>
      validateKubernetesObject({ apiVersion: "v1", kind: "Gadget", metadata: { name: "g" } }),
    ).toThrow(/no schema/);
  });
});
