import { stringify } from "yaml";
import { kubernetesObjects, renderStack } from "./testing/render.ts";

// Offline preview without the Pulumi CLI or cloud credentials: prints every Kubernetes object a stack would
// apply (secrets shown as "[secret]") and a count of the cloud resources.
// Usage: pnpm --filter @chainlog/infra render <local|dev|staging|prod>
const stack = process.argv[2];
if (!stack) {
  console.error("usage: render <stack>   (a stacks/Pulumi.<stack>.yaml must exist)");
  process.exit(2);
}
const resources = await renderStack(stack);
const sealed = resources.map((r) => ({ ...r, inputs: r.sealed }));
for (const obj of kubernetesObjects(sealed)) process.stdout.write(`---\n${stringify(obj)}`);
const counts = new Map<string, number>();
for (const r of resources)
  if (!r.type.startsWith("kubernetes:")) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
for (const [type, n] of [...counts].sort()) console.error(`${String(n).padStart(3)} ${type}`);
