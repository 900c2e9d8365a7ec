import { join } from "node:path";
import { EngineInstallError } from "../errors.ts";
import { runCommand } from "../process/run-command.ts";
import { MinGoMinor, MinJavaMajor } from "../versions.ts";

/** The java launcher: $JAVA_HOME/bin/java when set, else the one on PATH. */
export function javaBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, "bin", "java") : "java";
}

export async function checkJava(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out = await runCommand({ command: javaBinary(env), args: ["-version"], timeoutMs: 60_000 }).catch(
    (e) => {
      throw new EngineInstallError(
        `a JDK ≥ ${MinJavaMajor} is needed to run Kafka and Cassandra: ${(e as Error).message}`,
        { cause: e },
      );
    },
  );
  const major = Number(/version "(\d+)/.exec(out)?.[1]);
  if (!(major >= MinJavaMajor))
    throw new EngineInstallError(`JDK ≥ ${MinJavaMajor} needed, found: ${out.split("\n")[0]}`);
  return major;
}

/**
 * The environment of a pinned Go build: Go's module and build caches under `goCache`, module files writable (so
 * the cache folder can be deleted with rm -rf), no VCS stamping, no toolchain download, pure Go (CGO off).
 */
export function goBuildEnv(goCache: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOMODCACHE: join(goCache, "mod"),
    GOCACHE: join(goCache, "build"),
    GOFLAGS: "-modcacherw -buildvcs=false",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
}

export async function checkGo(): Promise<string> {
  const out = await runCommand({ command: "go", args: ["version"], timeoutMs: 60_000 }).catch((e) => {
    throw new EngineInstallError(
      `Go ≥ 1.${MinGoMinor} is needed to build FerretDB: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  });
  const m = /go1\.(\d+)/.exec(out);
  if (!m || Number(m[1]) < MinGoMinor)
    throw new EngineInstallError(`Go ≥ 1.${MinGoMinor} needed, found: ${out.trim()}`);
  return out.trim();
}
