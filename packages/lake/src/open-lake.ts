import { isS3Url } from "@chainlog/etl-export";
import type { Lake } from "./lake.ts";
import { LakeDir } from "./lake-dir.ts";

/**
 * The lake at `location`: s3://bucket/prefix (standard AWS credential chain) or a local directory. The AWS SDK
 * is loaded only for an S3 lake: loading it cost every start of the lake sink and of query-api ~0.3 s of CPU.
 */
export async function openLake(location: string, env: NodeJS.ProcessEnv = process.env): Promise<Lake> {
  if (!isS3Url(location)) return new LakeDir(location);
  const { LakeS3 } = await import("./lake-s3.ts");
  return LakeS3.open(location, env);
}
