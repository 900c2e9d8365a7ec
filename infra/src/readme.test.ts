import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@chainlog/images";
import { describe, expect, it } from "vitest";
import { stackConfig, stacksDir } from "./testing/render.ts";

// infra/README.md is the first-deployment walkthrough; these checks keep it true: every config key the program
// reads is documented and every key the README names exists, every stack has its section with the secrets and
// per-clone settings that stack refuses to start without, and every command, script, output and path it names
// exists.

const readme = readFileSync(join(repoRoot, "infra/README.md"), "utf8");
const settingsSource = readFileSync(join(repoRoot, "infra/src/settings.ts"), "utf8");
const stacks = readdirSync(stacksDir)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

/** `chainlog:<key>` names the program reads (cfg.get/require…("key")). */
const readKeys = new Set(
  [...settingsSource.matchAll(/cfg\.(?:get|require)\w*[^(]*\(\s*"([A-Za-z]+)"/g)].map(
    (m) => `chainlog:${m[1]}`,
  ),
);

/** Keys named in the first column of the config table (`chainlog:a` / `b` shorthand included). */
function documentedKeys(): Set<string> {
  const start = readme.indexOf("## Config keys");
  const table = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const out = new Set<string>();
  for (const line of table.split("\n").filter((l) => l.startsWith("| `"))) {
    const first = line.split("|")[1] ?? "";
    for (const m of first.matchAll(/`([^`]+)`/g)) out.add(m[1]!.includes(":") ? m[1]! : `chainlog:${m[1]}`);
  }
  return out;
}

/** The fenced shell block under `### <stack>`. */
function section(stack: string): string {
  const at = readme.indexOf(`\n### ${stack}\n`);
  if (at < 0) return "";
  return readme.slice(at, readme.indexOf("\n### ", at + 1));
}

describe("infra/README.md", () => {
  it("documents every config key the program reads, and names no key it does not read", () => {
    const documented = documentedKeys();
    expect(readKeys.size).toBeGreaterThan(20);
    expect([...readKeys].filter((k) => !documented.has(k))).toEqual([]);
    const named = new Set([...readme.matchAll(/chainlog:([A-Za-z]+)/g)].map((m) => `chainlog:${m[1]}`));
    expect([...named].filter((k) => !readKeys.has(k))).toEqual([]);
    // and every key a committed stack file sets
    for (const stack of stacks)
      for (const key of Object.keys(stackConfig(stack)).filter((k) => k.startsWith("chainlog:")))
        expect(documented.has(key), `${key} of stacks/Pulumi.${stack}.yaml`).toBe(true);
  });

  it("walks through every stack: init, the secrets and per-clone settings it requires, preview, up, reaching it", () => {
    const tableStacks = [...readme.matchAll(/^\| `([a-z]+)` +\|/gm)].map((m) => m[1]);
    expect(tableStacks.sort()).toEqual(stacks);
    for (const stack of stacks) {
      const text = section(stack);
      expect(text, `### ${stack}`).toContain(`pulumi stack init ${stack}`);
      for (const step of ["pulumi preview", "pulumi up", "kubectl"])
        expect(text, `${stack}: ${step}`).toContain(step);
      // What loadSettings() refuses to start without, from the stack's own file.
      const cfg = stackConfig(stack);
      const obj = (key: string) => JSON.parse(cfg[key] ?? "{}") as { mode?: string };
      const aws = cfg["chainlog:aws"] === "true";
      const secrets = ["ethRpcUrls"];
      if ((obj("chainlog:cassandra").mode ?? "operator") === "operator") secrets.push("cassandraPassword");
      if (["operator", "documentdb"].includes(obj("chainlog:mongodb").mode ?? "operator"))
        secrets.push("mongodbPassword");
      if (cfg["chainlog:monitoring"] === "true") secrets.push("grafanaAdminPassword");
      for (const key of secrets) expect(text, `${stack}: ${key}`).toContain(`--secret chainlog:${key}`);
      const plain: string[] = [];
      if (aws) plain.push("publicApiCidrs");
      if (aws && cfg["chainlog:exposeWeb"] === "true") plain.push("webCertificateArn");
      if (obj("chainlog:mongodb").mode === "documentdb") plain.push("documentdbCaBundle");
      for (const key of plain)
        expect(text, `${stack}: ${key}`).toMatch(new RegExp(`config set .*chainlog:${key}`));
      if (aws) expect(text).toContain('aws eks update-kubeconfig --region "$(pulumi config get aws:region)"');
    }
  });

  it("has the rollout and restore procedures, naming only outputs, CronJobs and workloads the program creates", () => {
    for (const heading of ["## Rolling out a new service version", "## Backups and restore", "### Restore"])
      expect(readme).toContain(heading);
    const program = readFileSync(join(repoRoot, "infra/src/program.ts"), "utf8");
    const outputs = [...readme.matchAll(/pulumi stack output (\w+)/g)].map((m) => m[1]!);
    expect(outputs.length).toBeGreaterThan(0);
    for (const out of outputs) expect(program, `stack output ${out}`).toMatch(new RegExp(`\\b${out}[?]?:`));
    const backups = readFileSync(join(repoRoot, "infra/src/engines/backups.ts"), "utf8");
    // backups.ts names each job `<engine>-backup` after backupServiceAccount(c, "<engine>").
    for (const m of readme.matchAll(/cronjob\/([a-z]+)-backup\b/g))
      expect(backups).toContain(`backupServiceAccount(c, "${m[1]}")`);
    expect(backups).toMatch(/const name = `\$\{engine\}-backup`;/);
    for (const m of readme.matchAll(/deploy\/([a-z-]+)/g))
      expect(["ingest", "processor", "query-api", "web"]).toContain(m[1]);
  });

  it("names only package scripts and files that exist", () => {
    const scripts = (dir: string) =>
      Object.keys(
        (JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as { scripts: object })
          .scripts,
      );
    for (const m of readme.matchAll(/pnpm --filter @chainlog\/infra ([a-z:]+)/g))
      expect(scripts("infra"), m[0]).toContain(m[1]);
    for (const m of readme.matchAll(/`pnpm (images [a-z]+)/g)) {
      const images = readFileSync(join(repoRoot, "packages/images/src/cli.ts"), "utf8");
      expect(images, m[0]).toContain(`"${m[1]!.split(" ")[1]}"`);
    }
    const paths = [
      ...readme.matchAll(/`((?:src|charts|crds|release|stacks|infra|packages)\/[\w./-]+)`/g),
    ].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(10);
    const missing = paths.filter(
      (p) => !existsSync(join(repoRoot, p)) && !existsSync(join(repoRoot, "infra", p)) && !p.includes("<"),
    );
    expect(missing).toEqual([]);
  });
});
