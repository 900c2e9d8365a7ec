import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EngineInstallError } from "../errors.ts";
import { withLock } from "../process/lock.ts";
import { runCommand } from "../process/run-command.ts";
import { KubeVersions } from "../versions.ts";
import { checkGo, goBuildEnv } from "./toolchain.ts";

export interface InstalledTool {
  binary: string;
  fresh: boolean;
}

/** How to build one binary from Go modules inside a throwaway wrapper module. */
interface GoToolBuild {
  /** The binary's file name. */
  name: string;
  /** <cacheDir>/<folder>/bin/<name> */
  folder: string;
  /** The module whose go.mod replace directives the wrapper must copy (replaces apply only in the main module). */
  module: string;
  version: string;
  /** Maps a directory replace of that go.mod (`k8s.io/api => ./staging/…`) to a published module version. */
  localReplace?: (path: string) => string | undefined;
  /** A main package to build from the module, or the wrapper's own main (source, or a copy of a module folder). */
  main:
    | { package: string }
    | { source: string }
    | { copyFrom: string; prepare?: (dir: string, moduleDir: string) => void };
  ldflags?: string[];
}

/** `a => b v` lines of a go.mod, in and out of `replace ( … )` blocks. */
export function parseReplaces(goMod: string): { from: string; to: string; version?: string }[] {
  const out: { from: string; to: string; version?: string }[] = [];
  let inBlock = false;
  for (const raw of goMod.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (line === "replace (") {
      inBlock = true;
      continue;
    }
    if (inBlock && line === ")") {
      inBlock = false;
      continue;
    }
    const body = inBlock ? line : line.startsWith("replace ") ? line.slice(8).trim() : undefined;
    if (!body?.includes("=>")) continue;
    const [left = "", right = ""] = body.split("=>").map((x) => x.trim());
    const [to = "", version] = right.split(/\s+/);
    out.push({ from: left.split(/\s+/)[0] ?? "", to, version });
  }
  return out;
}

/**
 * Builds one tool from the Go module proxy into <cacheDir>/<folder>/bin, once. Go's module and build caches
 * for these builds live in <cacheDir>/go-tools (~3 GB modules, ~8 GB build cache after all four; delete it
 * freely, only a version bump needs it again).
 */
async function buildGoTool(cacheDir: string, b: GoToolBuild): Promise<InstalledTool> {
  const target = join(cacheDir, b.folder);
  const binary = join(target, "bin", b.name);
  if (existsSync(binary)) return { binary, fresh: false };
  mkdirSync(cacheDir, { recursive: true });
  return withLock(
    target,
    async () => {
      if (existsSync(binary)) return { binary, fresh: false };
      await checkGo();
      const env = goBuildEnv(join(cacheDir, "go-tools"));
      const work = `${target}.tmp-${process.pid}`;
      rmSync(work, { recursive: true, force: true });
      const src = join(work, "src");
      mkdirSync(src, { recursive: true });
      const go = (args: string[], timeoutMs = 60 * 60_000) =>
        runCommand({ command: "go", args, cwd: src, env, timeoutMs });

      await go(["mod", "init", `chainlog.local/build/${b.name}`]);
      const info = JSON.parse(await go(["mod", "download", "-json", `${b.module}@${b.version}`])) as {
        Dir?: string;
        GoMod?: string;
      };
      if (!info.Dir || !info.GoMod)
        throw new EngineInstallError(`go mod download gave no source for ${b.module}@${b.version}`);
      for (const r of parseReplaces(readFileSync(info.GoMod, "utf8"))) {
        const to = r.version ? `${r.to}@${r.version}` : b.localReplace?.(r.to);
        if (!to) {
          if (r.to.startsWith(".")) continue; // a folder of the module's own repository that the build never reaches
          throw new EngineInstallError(`${b.module}: cannot map replace ${r.from} => ${r.to}`);
        }
        await go(["mod", "edit", `-replace=${r.from}=${to}`]);
      }
      await go(["mod", "edit", `-require=${b.module}@${b.version}`]);

      let buildTarget = ".";
      if ("package" in b.main) {
        await go(["get", `${b.main.package}@${b.version}`]);
        buildTarget = b.main.package;
      } else {
        if ("source" in b.main) writeFileSync(join(src, "main.go"), b.main.source);
        else {
          cpSync(join(info.Dir, b.main.copyFrom), src, { recursive: true });
          b.main.prepare?.(src, info.Dir);
        }
        await go(["mod", "tidy"]);
      }
      await go([
        "build",
        "-trimpath",
        ...(b.ldflags ? ["-ldflags", b.ldflags.join(" ")] : []),
        "-o",
        join(work, "bin", b.name),
        buildTarget,
      ]);
      rmSync(src, { recursive: true, force: true });
      rmSync(target, { recursive: true, force: true });
      renameSync(work, target);
      return { binary, fresh: true };
    },
    90 * 60_000,
  );
}

const etcdMain = `package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
`;

export function installEtcd(cacheDir: string): Promise<InstalledTool> {
  return buildGoTool(cacheDir, {
    name: "etcd",
    folder: `etcd-${KubeVersions.etcd}`,
    module: "go.etcd.io/etcd/server/v3",
    version: KubeVersions.etcd,
    main: { source: etcdMain },
  });
}

export function installKubeApiServer(cacheDir: string): Promise<InstalledTool> {
  const v = KubeVersions.kubernetes;
  const [major, minor] = v.replace(/^v/, "").split(".");
  const versionPkg = "k8s.io/component-base/version";
  return buildGoTool(cacheDir, {
    name: "kube-apiserver",
    folder: `kubernetes-${v}`,
    module: "k8s.io/kubernetes",
    version: v,
    // k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with folders of its own repo;
    // the same code is published as each module's v0.<minor>.<patch>.
    localReplace: (path) => {
      const m = /^\.\/staging\/src\/(k8s\.io\/[^/]+)$/.exec(path);
      return m ? `${m[1]}@${KubeVersions.kubernetesStaging}` : undefined;
    },
    main: { package: "k8s.io/kubernetes/cmd/kube-apiserver" },
    // Without these the server reports v0.0.0-master and clients refuse some API negotiations.
    ldflags: [
      `-X ${versionPkg}.gitVersion=${v}`,
      `-X ${versionPkg}.gitMajor=${major}`,
      `-X ${versionPkg}.gitMinor=${minor}`,
    ],
  });
}

export function installPulumi(cacheDir: string): Promise<InstalledTool> {
  return buildGoTool(cacheDir, {
    name: "pulumi",
    folder: `pulumi-${KubeVersions.pulumi}`,
    module: "github.com/pulumi/pulumi/pkg/v3",
    version: KubeVersions.pulumi,
    // pkg/go.mod replaces sdk/v3 with ../sdk: the same release of the sdk module.
    localReplace: (path) =>
      path === "../sdk" ? `github.com/pulumi/pulumi/sdk/v3@${KubeVersions.pulumi}` : undefined,
    main: { package: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" },
    ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${KubeVersions.pulumi}`],
  });
}

export function installPulumiKubernetes(cacheDir: string): Promise<InstalledTool> {
  return buildGoTool(cacheDir, {
    name: "pulumi-resource-kubernetes",
    folder: `pulumi-kubernetes-${KubeVersions.pulumiKubernetes}`,
    module: "github.com/pulumi/pulumi-kubernetes/provider/v4",
    version: KubeVersions.pulumiKubernetes,
    // The provider's main embeds two files its Makefile generates from the schema it ships beside them.
    main: {
      copyFrom: "cmd/pulumi-resource-kubernetes",
      prepare: (dir) => {
        for (const name of ["schema", "terraform-mapping"]) {
          const from = join(dir, `${name}.json`);
          if (existsSync(from))
            writeFileSync(
              join(dir, `${name}-embed.json`),
              JSON.stringify(JSON.parse(readFileSync(from, "utf8"))),
            );
        }
      },
    },
    ldflags: [
      `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${KubeVersions.pulumiKubernetes}`,
    ],
  });
}
