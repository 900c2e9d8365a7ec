import { AwsSlice, BusSlice, CassandraSlice, KafkaSlice, MongoSlice, S3Slice } from "./slices/adapters.ts";
import { IngestSlice } from "./slices/ingest.ts";
import { LakeDirSlice, LakeSinkSlice } from "./slices/lake.ts";
import { LauncherSlice } from "./slices/launcher.ts";
import { ProcessorSlice } from "./slices/processor.ts";
import { QueryApiSlice } from "./slices/query-api.ts";
import { PodSlice, RpcSlice, SharedSlice } from "./slices/shared.ts";
import { ToolsSlice } from "./slices/tools.ts";
import { WebSlice } from "./slices/web.ts";

/** Every environment variable Chainlog reads, in named slices; no variable is in two. */
export const slices = {
  shared: SharedSlice,
  rpc: RpcSlice,
  pod: PodSlice,
  bus: BusSlice,
  kafka: KafkaSlice,
  cassandra: CassandraSlice,
  mongodb: MongoSlice,
  aws: AwsSlice,
  s3: S3Slice,
  ingest: IngestSlice,
  processor: ProcessorSlice,
  "query-api": QueryApiSlice,
  web: WebSlice,
  "lake-dir": LakeDirSlice,
  "lake-sink": LakeSinkSlice,
  launcher: LauncherSlice,
  tools: ToolsSlice,
} as const;
export type SliceName = keyof typeof slices;

const adapters = ["bus", "kafka", "cassandra", "mongodb", "aws"] as const;

/**
 * The slices each program composes: what it reads, and all it validates at its start (a bad value of a variable
 * it does not read is not its concern). The launcher starts every service, so it checks everything they read.
 */
export const programs = {
  ingest: ["shared", "rpc", "pod", ...adapters, "ingest"],
  processor: ["shared", "rpc", "pod", ...adapters, "processor"],
  "query-api": ["shared", "rpc", ...adapters, "s3", "lake-dir", "query-api"],
  web: ["shared", "web"],
  lake: ["shared", "pod", "bus", "kafka", "cassandra", "aws", "s3", "lake-dir", "lake-sink"],
  launcher: [
    "shared",
    "rpc",
    "pod",
    ...adapters,
    "s3",
    "ingest",
    "processor",
    "query-api",
    "web",
    "lake-dir",
    "lake-sink",
    "launcher",
  ],
  images: ["tools"],
} as const satisfies Record<string, readonly SliceName[]>;
export type ProgramName = keyof typeof programs;

type SliceShape<S extends SliceName> = (typeof slices)[S]["shape"];
/** A variable that `program` reads: what infra may set on its container. */
export type ProgramEnvName<P extends ProgramName> = {
  [S in (typeof programs)[P][number]]: keyof SliceShape<Extract<S, SliceName>>;
}[(typeof programs)[P][number]] &
  string;

export function sliceVariables(slice: SliceName): string[] {
  return Object.keys(slices[slice].shape);
}

/** Every variable `program` reads. */
export function programVariables(program: ProgramName): Set<string> {
  return new Set(programs[program].flatMap((slice) => sliceVariables(slice)));
}
