import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

/** One resource the program registered, as the engine would have received it. */
export interface Rendered {
  type: string;
  name: string;
  /** Inputs with secret values revealed, as the provider receives them. */
  inputs: Record<string, unknown>;
  /** Inputs with every secret value replaced by "[secret]", as state and logs show them. */
  sealed: Record<string, unknown>;
}

// The SDK's wire encoding of a secret value: { [sigKey]: secretSig, value }.
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

function unwrap(value: unknown, reveal: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => unwrap(v, reveal));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[sigKey] === secretSig) return reveal ? unwrap(obj.value, reveal) : "[secret]";
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrap(v, reveal)]));
  }
  return value;
}

export const stacksDir = fileURLToPath(new URL("../../../stacks/", import.meta.url));

/** Stand-ins for what `pulumi config set --secret` stores; each is unique so a leak is easy to spot. */
export const fakeSecrets: Record<string, string> = {
  "chainlog:ethRpcUrls": "https://secret-rpc-a.invalid/key-7f3a,https://secret-rpc-b.invalid/key-91c2",
  "chainlog:cassandraPassword": "cass-secret-5d1e9b",
  "chainlog:mongodbPassword": "mongo-secret-a42c77",
  "chainlog:mongodbUrl": "mongodb+srv://chainlog:atlas-secret-0b3@cluster0.invalid/chainlog",
  "chainlog:grafanaAdminPassword": "grafana-secret-e81f",
};

/**
 * What each operator sets for their own clone without committing it (not secret): where they run `pulumi up`
 * from. 203.0.113.0/24 is a documentation range (RFC 5737).
 */
export const perCloneConfig: Record<string, string> = {
  "chainlog:publicApiCidrs": JSON.stringify(["203.0.113.0/24"]),
  "chainlog:webCertificateArn":
    "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
};

/** Reads stacks/Pulumi.<stack>.yaml into the flat string map the Pulumi engine hands a program. */
export function stackConfig(stack: string): Record<string, string> {
  const doc = parse(readFileSync(`${stacksDir}Pulumi.${stack}.yaml`, "utf8")) as {
    config?: Record<string, unknown>;
  };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** The security group EKS itself creates and attaches to every managed node. */
export const eksCreatedSecurityGroup = "sg-eks-created";

// Outputs the remote components (eks.Cluster) and data sources would report after a real deployment.
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "eks:index:Cluster":
      return {
        ...inputs,
        kubeconfigJson: JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [], users: [] }),
        oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/${name}`,
        oidcProviderUrl: `https://oidc.eks.eu-west-1.amazonaws.com/id/${name}`,
        // @pulumi/eks: with skipDefaultSecurityGroups both are the group EKS creates (the one managed nodes carry).
        nodeSecurityGroupId: inputs.skipDefaultSecurityGroups
          ? eksCreatedSecurityGroup
          : "sg-component-nodes",
        clusterSecurityGroupId: inputs.skipDefaultSecurityGroups
          ? eksCreatedSecurityGroup
          : "sg-component-cluster",
      };
    case "aws:msk/cluster:Cluster":
      return {
        ...inputs,
        arn: `arn:aws:kafka:eu-west-1:123456789012:cluster/${name}/uuid-1`,
        bootstrapBrokersSaslIam: "b-1.msk.invalid:9098,b-2.msk.invalid:9098,b-3.msk.invalid:9098",
      };
    case "aws:docdb/cluster:Cluster":
      return { ...inputs, endpoint: `${name}.cluster.docdb.invalid` };
    default:
      return { ...inputs, arn: `arn:aws:mock:::${type}/${name}` };
  }
}

/**
 * Runs the real program for one stack under `pulumi.runtime.setMocks`: no Pulumi CLI, no cloud credentials.
 * Returns every registered resource with its inputs once all registrations have settled.
 */
export async function renderStack(
  stack: string,
  overrides: Record<string, string | null> = {},
): Promise<Rendered[]> {
  const resources: Rendered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = unwrap(args.inputs, true) as Record<string, unknown>;
        const sealed = unwrap(args.inputs, false) as Record<string, unknown>;
        resources.push({ type: args.type, name: args.name, inputs, sealed });
        return { id: `${args.name}-id`, state: mockState(args.type, args.name, inputs) };
      },
      call: (args) => {
        if (args.token === "aws:index/getAvailabilityZones:getAvailabilityZones") {
          return {
            names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
            zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
          };
        }
        throw new Error(`unmocked call ${args.token}`);
      },
    },
    "chainlog",
    stack,
    false,
  );
  // A null override removes the key, like `pulumi config rm`.
  const merged: Record<string, string | null> = {
    ...stackConfig(stack),
    ...fakeSecrets,
    ...perCloneConfig,
    ...overrides,
  };
  const config = Object.fromEntries(
    Object.entries(merged).filter((e): e is [string, string] => e[1] !== null),
  );
  pulumi.runtime.setAllConfig(config, Object.keys(fakeSecrets));
  const { loadSettings } = await import("../settings.ts");
  const { deploy } = await import("../program.ts");
  deploy(loadSettings());
  await waitForRegistrations();
  return resources;
}

async function waitForRegistrations(): Promise<void> {
  // The SDK tracks every outstanding registration; its queue drains once all resources are registered.
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (!runtime.waitForRPCs)
    throw new Error("@pulumi/pulumi no longer exposes waitForRPCs; update the harness");
  await runtime.waitForRPCs();
}

/** Kubernetes objects (built-in and custom) among the rendered resources, as the API server would get them. */
export function kubernetesObjects(resources: Rendered[]): Record<string, unknown>[] {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh"))
    .map((r) => r.inputs);
}
