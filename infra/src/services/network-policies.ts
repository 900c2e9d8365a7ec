import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { EngineEndpoints } from "../engines/index.ts";
import type { ServiceName, StackSettings } from "../settings.ts";
import { ports, webMetricsPort } from "./env.ts";
import { appLabels } from "./workload.ts";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Port = k8s.types.input.networking.v1.NetworkPolicyPort;
type Rule = { to: Peer[]; ports: Port[] };

const nsPeer = (ns: string): Peer => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
});
const tcp = (...nums: number[]): Port[] => nums.map((port) => ({ protocol: "TCP", port }));

/**
 * Default deny in both directions for the services' namespace, then exactly the flows the pipeline needs:
 * web → query-api; every service → DNS and the engines it uses; ingest → JSON-RPC nodes; on AWS, the backends
 * → AWS APIs (STS for IRSA, MSK IAM); ingress from anywhere only on the web's public port, to query-api from the
 * web alone, and metrics from the monitoring namespace. No pod reaches the Kubernetes API.
 */
export function createNetworkPolicies(
  s: StackSettings,
  e: EngineEndpoints,
  namespace: pulumi.Input<string>,
  provider: k8s.Provider,
): void {
  const opts = { provider };
  const vpcCidr = s.cloud?.vpcCidr;
  const inVpc = (): Peer[] => (vpcCidr ? [{ ipBlock: { cidr: vpcCidr } }] : []);
  new k8s.networking.v1.NetworkPolicy(
    "default-deny",
    {
      metadata: { name: "default-deny", namespace },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    opts,
  );
  new k8s.networking.v1.NetworkPolicy(
    "allow-dns",
    {
      metadata: { name: "allow-dns", namespace },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ ...nsPeer("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
    },
    opts,
  );

  const kafka: Rule = e.managed.kafka
    ? { to: inVpc(), ports: tcp(9098) }
    : {
        to: [
          { ...nsPeer(s.dataNamespace), podSelector: { matchLabels: { "strimzi.io/cluster": "chainlog" } } },
        ],
        ports: tcp(9092),
      };
  const cassandra: Rule = e.managed.cassandra
    ? // Keyspaces is a regional AWS endpoint outside the VPC.
      { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(9142) }
    : { to: [nsPeer(s.dataNamespace)], ports: tcp(9042) };
  const mongo: Rule = e.managed.mongodb
    ? { to: s.mongodb.mode === "atlas" ? [{ ipBlock: { cidr: "0.0.0.0/0" } }] : inVpc(), ports: tcp(27017) }
    : {
        to: [{ ...nsPeer(s.dataNamespace), podSelector: { matchLabels: { app: "chainlog-mongodb-svc" } } }],
        ports: tcp(27017),
      };
  const awsApis: Rule[] = s.cloud ? [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(443) }] : [];
  const monitoringPeer: Peer[] = s.monitoring ? [nsPeer("monitoring")] : [];

  const flows: Record<ServiceName, { ingressFrom: Peer[] | "any"; egress: Rule[] }> = {
    ingest: {
      ingressFrom: monitoringPeer,
      egress: [
        kafka,
        mongo,
        cassandra,
        { to: s.rpcEgressCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(443, 8545, 8546) },
        ...awsApis,
      ],
    },
    processor: { ingressFrom: monitoringPeer, egress: [kafka, cassandra, mongo, ...awsApis] },
    // Only the web pods (and Prometheus) reach query-api: it believes exactly one X-Forwarded-For hop.
    "query-api": {
      ingressFrom: [{ podSelector: { matchLabels: appLabels("web") } }, ...monitoringPeer],
      egress: [kafka, cassandra, mongo, ...awsApis],
    },
    web: {
      ingressFrom: "any",
      egress: [
        { to: [{ podSelector: { matchLabels: appLabels("query-api") } }], ports: tcp(ports["query-api"]) },
      ],
    },
  };

  for (const [name, flow] of Object.entries(flows) as [ServiceName, (typeof flows)[ServiceName]][]) {
    const egress = flow.egress.filter((r) => r.to.length > 0);
    new k8s.networking.v1.NetworkPolicy(
      `${name}-flows`,
      {
        metadata: { name: `${name}-flows`, namespace },
        spec: {
          podSelector: { matchLabels: appLabels(name) },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            ...(flow.ingressFrom === "any"
              ? [{ ports: tcp(ports[name]) }]
              : flow.ingressFrom.length > 0
                ? [{ from: flow.ingressFrom, ports: tcp(ports[name]) }]
                : []),
            // The web's metrics port is for Prometheus only.
            ...(name === "web" && monitoringPeer.length > 0
              ? [{ from: monitoringPeer, ports: tcp(webMetricsPort) }]
              : []),
          ],
          egress,
        },
      },
      opts,
    );
  }
}
