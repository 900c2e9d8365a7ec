/**
 * What a pod may request on one node of an EKS managed node group: the kubelet's allocatable (EKS AMI formula)
 * minus what the cluster's own DaemonSets take. Used by the tests to prove every pod of a stack can be scheduled.
 */

interface InstanceType {
  vcpu: number;
  memoryGi: number;
  /** Pods per node with the VPC CNI without prefix delegation: ENIs × (IPs per ENI − 1) + 2. */
  maxPods: number;
}

/** The instance types the stacks use (EC2 specifications; max pods from the EKS AMI's eni-max-pods.txt). */
export const instanceTypes: Record<string, InstanceType> = {
  "m6i.large": { vcpu: 2, memoryGi: 8, maxPods: 29 },
  "m6i.xlarge": { vcpu: 4, memoryGi: 16, maxPods: 58 },
  "m6i.2xlarge": { vcpu: 8, memoryGi: 32, maxPods: 58 },
  "m6a.2xlarge": { vcpu: 8, memoryGi: 32, maxPods: 58 },
};

/**
 * Per node, what aws-node (VPC CNI + its network-policy agent), kube-proxy, the EBS CSI node plugin and
 * eks-pod-identity/metrics request, rounded up.
 */
export const daemonSetReserve = { milliCpu: 300, memoryMi: 400 };

export interface Allocatable {
  milliCpu: number;
  memoryMi: number;
}

/** The EKS AMI's kube-reserved and eviction threshold, a 5 % kernel share of memory, minus the DaemonSets. */
export function podAllocatable(instanceType: string): Allocatable {
  const t = instanceTypes[instanceType];
  if (!t)
    throw new Error(`no capacity data for instance type ${instanceType}: add it to cluster/capacity.ts`);
  // kube-reserved CPU: 6 % of the first core, 1 % of the second, 0.5 % of cores 3–4, 0.25 % of the rest.
  const cores = t.vcpu;
  const reservedCpu =
    60 + (cores > 1 ? 10 : 0) + Math.max(0, Math.min(cores, 4) - 2) * 5 + Math.max(0, cores - 4) * 2.5;
  const memoryMi = t.memoryGi * 1024 * 0.95;
  const reservedMemory = 255 + 11 * t.maxPods + 100; // kube-reserved + eviction-hard memory.available
  return {
    milliCpu: Math.floor(cores * 1000 - reservedCpu - daemonSetReserve.milliCpu),
    memoryMi: Math.floor(memoryMi - reservedMemory - daemonSetReserve.memoryMi),
  };
}

/** "500m" / "2" → millicores; "512Mi" / "4Gi" / "1G" → MiB. */
export function milliCpu(q: string | number): number {
  const s = String(q);
  return s.endsWith("m") ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

export function mebibytes(q: string | number): number {
  const s = String(q);
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(s);
  if (!m) throw new Error(`unreadable memory quantity ${s}`);
  const n = Number(m[1]);
  const unit = m[2] ?? "";
  const factor: Record<string, number> = {
    "": 1 / 1024 / 1024,
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    Ti: 1024 * 1024,
    K: 1000 / 1024 / 1024,
    M: 1e6 / 1024 / 1024,
    G: 1e9 / 1024 / 1024,
    T: 1e12 / 1024 / 1024,
  };
  return n * (factor[unit] ?? Number.NaN);
}
