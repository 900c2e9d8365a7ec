import { run } from "./container-tools.ts";

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface OciManifest {
  config: OciDescriptor;
  layers: OciDescriptor[];
}

export class OciArchiveError extends Error {
  override name = "OciArchiveError";
}

/** One member of an OCI archive (a plain tar), as text. */
export async function readArchiveMember(archive: string, member: string): Promise<string> {
  return (await run("tar", ["-xOf", archive, member])).stdout;
}

export const blobPath = (digest: string) => `blobs/${digest.replace(":", "/")}`;

/** The manifest digest: what a registry keeps after a push, and what a deployment pins. */
export async function ociArchiveDigest(archive: string): Promise<string> {
  const index = JSON.parse(await readArchiveMember(archive, "index.json")) as { manifests?: OciDescriptor[] };
  const digest = index.manifests?.[0]?.digest;
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest))
    throw new OciArchiveError(`${archive} has no image manifest`);
  return digest;
}

export async function ociArchiveManifest(archive: string): Promise<OciManifest> {
  return JSON.parse(
    await readArchiveMember(archive, blobPath(await ociArchiveDigest(archive))),
  ) as OciManifest;
}
