import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import {
  cacheDir,
  installPulumi,
  installPulumiKubernetes,
  type KubeApiServer,
  startKubeApiServer,
} from "@chainlog/engines";
import * as pulumi from "@pulumi/pulumi";
import { keptCrds, ServerSideApplier } from "./testing/api-server.ts";
import { stackConfig } from "./testing/render.ts";

// The real engine, opt-in: builds (once, cached) the Pulumi CLI and the Kubernetes provider from Go modules,
// starts a throwaway etcd + kube-apiserver, and runs `pulumi preview` then `pulumi up` of the `local` stack
// against it with a file backend — offline. No chart repository is reachable offline, so the operators'
// CRDs come from infra/crds (what their charts would install) and chainlog:installOperators=false skips the
// Helm releases. Nothing runs pods (no kubelet): resources are created without waiting for readiness.
// Usage: pnpm --filter @chainlog/infra engine [--keep] [--config key=value …]
// Exit status 0 only if preview and up succeeded, the objects are on the server and a second preview is a no-op.

const { LocalWorkspace, PulumiCommand } = pulumi.automation;
const { values } = parseArgs({
  options: {
    keep: { type: "boolean", default: false },
    // key=value stack config on top of stacks/Pulumi.local.yaml (e.g. to see a failing run exit non-zero)
    config: { type: "string", multiple: true, default: [] },
  },
});
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[engine ${seconds()}] ${line}`);

async function main(): Promise<number> {
  const cache = cacheDir();
  const [cli, provider] = await Promise.all([installPulumi(cache), installPulumiKubernetes(cache)]);
  log(`pulumi ${cli.fresh ? "built" : "cached"}: ${cli.binary}`);
  log(`pulumi-resource-kubernetes ${provider.fresh ? "built" : "cached"}: ${provider.binary}`);

  const dir = mkdtempSync(join(tmpdir(), "chainlog-engine-"));
  let server: KubeApiServer | undefined;
  try {
    server = await startKubeApiServer({ baseDir: join(dir, "kube"), cacheDir: cache });
    log(`kube-apiserver ready at ${server.url}`);
    await new ServerSideApplier(server).installCrds(keptCrds());
    log(`${keptCrds().length} operator CRDs installed from infra/crds`);

    mkdirSync(join(dir, "state"), { recursive: true });
    const pulumiCommand = await PulumiCommand.get({
      root: dirname(dirname(cli.binary)),
      skipVersionCheck: true,
    });
    const program = async () => {
      // No kubelet: a Deployment never becomes available and a Service never gets endpoints; don't wait.
      pulumi.runtime.registerResourceTransform((args) => {
        if (!args.type.startsWith("kubernetes:") || args.type.startsWith("kubernetes:helm.sh"))
          return undefined;
        const metadata = pulumi.output(args.props.metadata ?? {}).apply((m: Record<string, unknown>) => ({
          ...m,
          annotations: {
            ...((m.annotations as Record<string, string>) ?? {}),
            "pulumi.com/skipAwait": "true",
          },
        }));
        return { props: { ...args.props, metadata }, opts: args.opts };
      });
      const { loadSettings } = await import("./settings.ts");
      const { deploy } = await import("./program.ts");
      const out = deploy(loadSettings());
      return { namespace: out.namespace, kafkaBrokers: out.kafkaBrokers };
    };
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "local", projectName: "chainlog", program },
      {
        pulumiCommand,
        workDir: dir,
        pulumiHome: join(dir, "home"),
        projectSettings: {
          name: "chainlog",
          runtime: "nodejs",
          backend: { url: `file://${join(dir, "state")}` },
        },
        envVars: {
          PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
          PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
          PULUMI_SKIP_UPDATE_CHECK: "true",
          KUBECONFIG: server.kubeconfig,
          // The provider is an ambient plugin: first on PATH, nothing downloaded.
          PATH: `${dirname(provider.binary)}:${process.env.PATH ?? ""}`,
        },
      },
    );
    for (const [key, value] of Object.entries(stackConfig("local")))
      await stack.setConfig(key, { value, secret: false });
    await stack.setConfig("chainlog:installOperators", { value: "false" });
    for (const kv of values.config ?? []) {
      const at = kv.indexOf("=");
      if (at < 1) throw new Error(`--config wants key=value, got ${kv}`);
      await stack.setConfig(kv.slice(0, at), { value: kv.slice(at + 1) });
    }
    // What `pulumi config set --secret` would hold: random, never written anywhere but the throwaway state.
    for (const key of ["ethRpcUrls", "cassandraPassword", "mongodbPassword"])
      await stack.setConfig(`chainlog:${key}`, {
        value: key === "ethRpcUrls" ? "http://127.0.0.1:8545" : randomBytes(12).toString("hex"),
        secret: true,
      });

    const preview = await stack.preview({ color: "never" });
    log(`preview: ${JSON.stringify(preview.changeSummary)}`);
    const up = await stack.up({ color: "never" });
    log(`up: ${up.summary.result}, ${JSON.stringify(up.summary.resourceChanges)}`);
    log(`outputs: namespace=${up.outputs.namespace?.value} kafkaBrokers=${up.outputs.kafkaBrokers?.value}`);
    const kube = new ServerSideApplier(server);
    const count = async (path: string) =>
      ((((await kube.request("GET", path)).body as { items?: unknown[] }).items ?? []) as unknown[]).length;
    const stored = {
      deployments: await count("/apis/apps/v1/namespaces/chainlog/deployments"),
      kafkaTopics: await count("/apis/kafka.strimzi.io/v1beta2/namespaces/chainlog-data/kafkatopics"),
      cassandraDatacenters: await count(
        "/apis/cassandra.datastax.com/v1beta1/namespaces/chainlog-data/cassandradatacenters",
      ),
      networkPolicies: await count("/apis/networking.k8s.io/v1/namespaces/chainlog/networkpolicies"),
    };
    log(`on the API server: ${JSON.stringify(stored)}`);
    const again = await stack.preview({ color: "never" });
    log(`second preview (must be all "same"): ${JSON.stringify(again.changeSummary)}`);
    const changed = Object.entries(again.changeSummary).filter(([op, n]) => op !== "same" && Number(n) > 0);
    if (up.summary.result !== "succeeded" || changed.length > 0) return 1;
    if (stored.deployments !== 4 || stored.kafkaTopics === 0 || stored.cassandraDatacenters !== 1) return 1;
    return 0;
  } finally {
    await server?.stop();
    if (values.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    log(code === 0 ? "ok" : "FAILED");
    process.exit(code);
  },
  (error: unknown) => {
    console.error(`[engine ${seconds()}] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
