import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EngineStateError } from "./errors.ts";
import type { EngineName } from "./options.ts";
import type { ProcessSpec } from "./process/spawn-process.ts";

export interface EngineEndpoints {
  /** host:port of every broker; empty when Kafka was not started. */
  kafkaBrokers: string[];
  /** host:port of every node; empty when Cassandra was not started. */
  cassandraContactPoints: string[];
  /**
   * The CQL port of every node. cassandra-driver 4.x dials the peers it discovers on protocolOptions.port
   * (default 9042), whatever the contact points say: pass it whenever it isn't 9042.
   */
  cassandraPort: number;
  cassandraLocalDc: string;
  /** mongodb://127.0.0.1:<port>/; empty when FerretDB was not started. */
  mongoUrl: string;
}

export interface ProcessRecord {
  spec: ProcessSpec;
  pid: number;
  engine: EngineName;
  /** 0-based node index within its engine. */
  index: number;
}

/** <baseDir>/engines.json: what runs there, so `down`/`status` work from any process. */
export interface EnginesState {
  nodes: 1 | 3;
  engines: EngineName[];
  startedAt: string;
  endpoints: EngineEndpoints;
  processes: Record<string, ProcessRecord>;
}

export function statePath(baseDir: string): string {
  return join(baseDir, "engines.json");
}

export function readState(baseDir: string): EnginesState | undefined {
  const path = statePath(baseDir);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as EnginesState;
  } catch (error) {
    throw new EngineStateError(
      `${path} is unreadable (${(error as Error).message}); stop the engines by hand and delete it`,
      { cause: error },
    );
  }
}

export function writeState(baseDir: string, state: EnginesState): void {
  mkdirSync(baseDir, { recursive: true });
  const path = statePath(baseDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, path);
}

export function removeState(baseDir: string): void {
  rmSync(statePath(baseDir), { force: true });
}

/** <baseDir>/layout.json survives `down`: data of a 1-node run must not be reused by a 3-node one. */
export interface Layout {
  nodes: 1 | 3;
  kafkaClusterId?: string;
}

export function readLayout(baseDir: string): Layout | undefined {
  const path = join(baseDir, "layout.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Layout) : undefined;
}

export function writeLayout(baseDir: string, layout: Layout): void {
  mkdirSync(baseDir, { recursive: true });
  writeFileSync(join(baseDir, "layout.json"), `${JSON.stringify(layout, null, 2)}\n`);
}
