/**
 * The peers `pnpm bench compare` measures against, installed into ~/.cache/chainlog/peers on first use (never in
 * CI): ethereum-etl 2.4.2 in a Python 3.9 venv (its parsimonious 0.8.1 fails to import on 3.11), and cryo 0.3.2,
 * whose PyPI wheel has the Rust core but no executable, so it is driven from Python.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const root = join(process.env.CHAINLOG_CACHE_DIR ?? join(homedir(), ".cache", "chainlog"), "peers");

/** A Python of the given minor version: pyenv's, else one on the PATH. */
function python(minor: string): string | null {
  const pyenv = spawnSync("pyenv", ["root"], { encoding: "utf8" });
  if (pyenv.status === 0) {
    const versions = join(pyenv.stdout.trim(), "versions");
    const found = existsSync(versions)
      ? readdirSync(versions)
          .filter((v) => v.startsWith(`${minor}.`))
          .sort()
      : [];
    if (found.length) return join(versions, found[found.length - 1]!, "bin", "python");
  }
  const plain = spawnSync(`python${minor}`, ["--version"]);
  return plain.status === 0 ? `python${minor}` : null;
}

function venv(name: string, minor: string, spec: string, log: (l: string) => void): string | null {
  const dir = join(root, name);
  const bin = join(dir, "bin");
  if (existsSync(join(bin, ".installed"))) return bin;
  const py = python(minor);
  if (!py) {
    log(`no Python ${minor} found (pyenv or PATH): ${spec} is left out`);
    return null;
  }
  mkdirSync(root, { recursive: true });
  log(`installing ${spec} into ${dir} (once)`);
  execFileSync(py, ["-m", "venv", dir], { stdio: "inherit" });
  execFileSync(join(bin, "pip"), ["install", "-q", spec], { stdio: "inherit" });
  execFileSync("touch", [join(bin, ".installed")]);
  return bin;
}

export interface Peers {
  /** The ethereumetl executable. */
  etl: string | null;
  /** A Python with cryo importable. */
  cryo: string | null;
}

export function ensurePeers(log: (l: string) => void = console.log): Peers {
  const etl = venv("etl-venv", "3.9", "ethereum-etl==2.4.2", log);
  const cryo = venv("cryo-venv", "3.11", "cryo==0.3.2", log);
  return { etl: etl && join(etl, "ethereumetl"), cryo: cryo && join(cryo, "python") };
}
