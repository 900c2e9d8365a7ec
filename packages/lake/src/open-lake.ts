import { isS3Url } from "@chainlog/etl-export";
import type { Lake } from "./lake.ts";
import { LakeDir } from "./lake-dir.ts";
import { LakeS3 } from "./lake-s3.ts";

/** The lake at `location`: s3://bucket/prefix (standard AWS credential chain) or a local directory. */
export async function openLake(location: string, env: NodeJS.ProcessEnv = process.env): Promise<Lake> {
  return isS3Url(location) ? LakeS3.open(location, env) : new LakeDir(location);
}
