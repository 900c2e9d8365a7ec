import { listServices } from "@chainlog/images";
import { programVariables } from "@chainlog/runtime-config";
import { describe, expect, it } from "vitest";
import { type ServiceName, serviceNames } from "./settings.ts";
import { renderStack } from "./testing/render.ts";
import { documentdbCaBundle, managedEngines } from "./testing/stack-overrides.ts";
import { describeStack } from "./testing/stack-suite.ts";

// All stacks render in one file: the Pulumi SDKs are imported once (the slow part) and each stack re-arms the mocks.

describeStack("local", {
  aws: false,
  kafka: { brokers: 1, replicationFactor: 1, minInsyncReplicas: 1, partitions: 4 },
  cassandra: { nodes: 1, replicationFactor: 1 },
  mongodb: { members: 1 },
  ingestReplicas: 2,
  processor: { min: 1, max: 4 },
  queryApi: { min: 1, max: 2 },
  web: { min: 1, max: 2 },
  monitoring: false,
});

describeStack("dev", {
  aws: true,
  kafka: { brokers: 3, replicationFactor: 3, minInsyncReplicas: 2, partitions: 6 },
  cassandra: { nodes: 3, replicationFactor: 3 },
  mongodb: { members: 3 },
  ingestReplicas: 2,
  processor: { min: 1, max: 6 },
  queryApi: { min: 2, max: 4 },
  web: { min: 2, max: 3 },
  monitoring: false,
});

describeStack(
  "staging",
  {
    aws: true,
    kafka: { brokers: 3, replicationFactor: 3, minInsyncReplicas: 2, partitions: 12 },
    cassandra: { nodes: 3, replicationFactor: 3 },
    mongodb: "documentdb",
    ingestReplicas: 2,
    processor: { min: 2, max: 12 },
    queryApi: { min: 2, max: 8 },
    web: { min: 2, max: 4 },
    monitoring: true,
  },
  documentdbCaBundle,
);

describeStack("prod", {
  aws: true,
  kafka: { brokers: 3, replicationFactor: 3, minInsyncReplicas: 2, partitions: 24 },
  cassandra: { nodes: 3, replicationFactor: 3 },
  mongodb: { members: 3 },
  ingestReplicas: 2,
  processor: { min: 3, max: 24 },
  queryApi: { min: 3, max: 20 },
  web: { min: 3, max: 10 },
  monitoring: true,
});

// prod with every engine switched to its managed AWS service (MSK, Keyspaces, Atlas).
describeStack(
  "prod",
  {
    aws: true,
    kafka: "msk",
    cassandra: "keyspaces",
    mongodb: "atlas",
    ingestReplicas: 2,
    processor: { min: 3, max: 24 },
    queryApi: { min: 3, max: 20 },
    web: { min: 3, max: 10 },
    monitoring: true,
  },
  managedEngines,
);

describe("stack config validation", () => {
  const rejects = (overrides: Record<string, string | null>, message: RegExp) =>
    expect(renderStack("dev", overrides)).rejects.toThrow(message);

  it("rejects an unpinned image tag", async () => {
    const tags = { ingest: "latest", processor: "0.1.0", "query-api": "0.1.0", web: "0.1.0" };
    await rejects(
      { "chainlog:imageTags": JSON.stringify(tags) },
      /imageTags.ingest must be a pinned version/,
    );
  });

  it("refuses to deploy a version that was never released, or a digest other than the released one", async () => {
    const tags = { ingest: "0.1.0", processor: "0.1.0", "query-api": "0.1.0", web: "0.1.0" };
    await rejects(
      { "chainlog:imageTags": JSON.stringify({ ...tags, processor: "9.9.9" }) },
      /processor 9.9.9 was never released \(.*infra\/release\/images.json has 0.1.0\)/,
    );
    await rejects(
      { "chainlog:imageTags": JSON.stringify({ ...tags, web: `0.1.0@sha256:${"0".repeat(64)}` }) },
      /imageTags.web pins sha256:0{64}, but web 0.1.0 was released as sha256:/,
    );
    await rejects(
      { "chainlog:releaseManifest": "/nonexistent/images.json" },
      /ingest 0.1.0 was never released/,
    );
  });

  it("rejects a replication factor above the broker count and min.insync.replicas above RF", async () => {
    await rejects(
      { "chainlog:kafka": JSON.stringify({ brokers: 2, replicationFactor: 3 }) },
      /cannot exceed kafka.brokers/,
    );
    await rejects(
      { "chainlog:kafka": JSON.stringify({ replicationFactor: 2, minInsyncReplicas: 3 }) },
      /minInsyncReplicas cannot exceed/,
    );
  });

  it("rejects a processor ceiling above the partition count", async () => {
    await rejects(
      {
        "chainlog:services": JSON.stringify({ processor: { min: 1, max: 13 } }),
        "chainlog:kafka": JSON.stringify({ partitions: 12 }),
      },
      /processor.max cannot exceed kafka.partitions/,
    );
  });

  it("rejects managed engines on the local stack and unknown modes", async () => {
    await expect(renderStack("local", { "chainlog:kafka": JSON.stringify({ mode: "msk" }) })).rejects.toThrow(
      /need chainlog:aws=true/,
    );
    await rejects({ "chainlog:mongodb": JSON.stringify({ mode: "dynamo" }) }, /mongodb.mode must be one of/);
  });

  it("requires the DocumentDB CA bundle as PEM when MongoDB is DocumentDB", async () => {
    await expect(renderStack("staging")).rejects.toThrow(
      /Missing required configuration variable 'chainlog:documentdbCaBundle'/,
    );
    await expect(renderStack("staging", { "chainlog:documentdbCaBundle": "not a pem" })).rejects.toThrow(
      /documentdbCaBundle must be the PEM text/,
    );
  });

  it("refuses an AWS stack whose EKS API the deploying machine could not reach", async () => {
    await rejects({ "chainlog:publicApiCidrs": null }, /publicApiCidrs is empty: this stack creates the VPC/);
    await rejects(
      { "chainlog:publicApiCidrs": JSON.stringify(["0.0.0.0/0"]) },
      /0\.0\.0\.0\/0 opens the API endpoint/,
    );
    await rejects({ "chainlog:publicApiCidrs": JSON.stringify(["10.0.0.300/32"]) }, /is not an IPv4 CIDR/);
    await rejects({ "chainlog:privateApiOnly": "true" }, /contradict each other/);
    const all = await renderStack("dev", {
      "chainlog:publicApiCidrs": null,
      "chainlog:privateApiOnly": "true",
    });
    const cluster = all.find((r) => r.type === "eks:index:Cluster")?.inputs ?? {};
    expect([cluster.endpointPrivateAccess, cluster.endpointPublicAccess]).toEqual([true, false]);
  });

  it("leaves the operators' Helm releases out with installOperators=false, keeping their resources", async () => {
    const all = await renderStack("local", { "chainlog:installOperators": "false" });
    expect(all.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")).toEqual([]);
    const kinds = all.map((r) => r.inputs.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(["Kafka", "CassandraDatacenter", "MongoDBCommunity", "ScaledObject"]),
    );
  });

  it("rolls the pods when their Secret changes: the template carries a digest of it", async () => {
    const checksum = async (overrides: Record<string, string>) => {
      const all = await renderStack("local", overrides);
      const dep = all.find(
        (r) => r.inputs.kind === "Deployment" && (r.inputs.metadata as { name: string }).name === "ingest",
      );
      if (!dep) throw new Error("no ingest Deployment");
      const spec = dep.inputs.spec as { template: { metadata: { annotations: Record<string, string> } } };
      return spec.template.metadata.annotations["chainlog.dev/secret-checksum"];
    };
    const before = await checksum({});
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    expect(await checksum({})).toBe(before);
    expect(await checksum({ "chainlog:ethRpcUrls": "https://rotated.invalid/key-2" })).not.toBe(before);
  });

  it("refuses a public web endpoint without a TLS certificate", async () => {
    await expect(renderStack("prod", { "chainlog:webCertificateArn": null })).rejects.toThrow(
      /exposeWeb on AWS needs chainlog:webCertificateArn/,
    );
    await expect(renderStack("prod", { "chainlog:webCertificateArn": "my-cert" })).rejects.toThrow(
      /must be an ACM certificate ARN/,
    );
  });

  it("rejects a backup schedule that is not a cron expression", async () => {
    await rejects(
      { "chainlog:backups": JSON.stringify({ schedule: "daily" }) },
      /backups.schedule must be a 5-field cron expression/,
    );
    await rejects({ "chainlog:backups": JSON.stringify({ retentionDays: 0 }) }, /backups.retentionDays/);
  });

  it("refuses to deploy without the required secrets", async () => {
    await rejects({ "chainlog:ethRpcUrls": null }, /chainlog:ethRpcUrls/);
    await rejects({ "chainlog:cassandraPassword": null }, /chainlog:cassandraPassword/);
  });
});

describe("environment the infra sets", () => {
  const deployed = (name: string): name is ServiceName => (serviceNames as readonly string[]).includes(name);

  it("is declared in the slices of the service it is set on, so nothing sets a variable nobody reads", async () => {
    const set = new Map<ServiceName, Set<string>>();
    for (const [stack, overrides] of [
      ["local", {}],
      ["prod", {}],
      [
        "prod",
        {
          "chainlog:kafka": JSON.stringify({ mode: "msk", partitions: 24 }),
          "chainlog:cassandra": JSON.stringify({ mode: "keyspaces" }),
          "chainlog:mongodb": JSON.stringify({ mode: "atlas" }),
        },
      ],
    ] as const) {
      for (const r of await renderStack(stack, overrides)) {
        if (r.inputs.kind !== "Deployment") continue;
        const name = String((r.inputs.metadata as { name?: unknown } | undefined)?.name);
        if (!deployed(name)) continue;
        const spec = r.inputs.spec as { template: { spec: { containers: { env?: { name: string }[] }[] } } };
        const names = set.get(name) ?? new Set<string>();
        for (const c of spec.template.spec.containers) for (const e of c.env ?? []) names.add(e.name);
        set.set(name, names);
      }
    }
    expect([...set.keys()].sort()).toEqual([...serviceNames].sort());
    const undeclared = [...set].flatMap(([service, names]) => {
      const reads = programVariables(service);
      return [...names].filter((n) => !reads.has(n)).map((n) => `${service}: ${n}`);
    });
    expect(undeclared).toEqual([]);
    expect(set.get("web")?.has("MONGODB_URL")).toBe(false);
    expect(set.get("ingest")?.has("CHAINLOG_LEADER_LEASE")).toBe(true);
  });

  it("and so is what each service's image sets", () => {
    const undeclared = listServices().flatMap((spec) => {
      const reads = programVariables(spec.service as ServiceName);
      return [spec.portEnv, spec.hostEnv, ...Object.keys(spec.env)]
        .filter((n) => !reads.has(n))
        .map((n) => `${spec.service}: ${n}`);
    });
    expect(undeclared).toEqual([]);
  });
});
