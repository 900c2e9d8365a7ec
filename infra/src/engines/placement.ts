/**
 * Topology spread for engine and service pods: across zones strictly in the cloud (a zone outage takes at most one
 * replica), across nodes as a preference. Local clusters (kind, minikube) carry no zone labels, and a strict
 * constraint on a missing label would leave pods pending, so there it is only a preference.
 */
export function spreadPolicy(zoned: boolean, matchLabels: Record<string, string>) {
  return [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: zoned ? "DoNotSchedule" : "ScheduleAnyway",
      labelSelector: { matchLabels },
    },
    {
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels },
    },
  ];
}
