import { z } from "zod";
import type { VariableDoc } from "./env-values.ts";
import { type ProgramName, programs, type SliceName, slices } from "./programs.ts";

export interface VariableRow {
  slice: SliceName;
  name: string;
  /** As a user would write it; undefined: none (unset). */
  default: string | undefined;
  description: string;
}

function schemaDefault(schema: z.ZodType): unknown {
  if (schema instanceof z.ZodDefault) return schema.def.defaultValue;
  // a transform after the default (true/false → boolean) keeps the default on its input side
  if (schema instanceof z.ZodPipe) return schemaDefault(schema.def.in as z.ZodType);
  return undefined;
}

function shownDefault(schema: z.ZodType, meta: Partial<VariableDoc>): string | undefined {
  if (meta.shownDefault !== undefined) return meta.shownDefault;
  const value = schemaDefault(schema);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? value.join(",") : "none";
  return String(value);
}

/** Every declared variable, slice by slice, with its default and one-line description. */
export function variableRows(): VariableRow[] {
  return (Object.keys(slices) as SliceName[]).flatMap((slice) =>
    Object.entries(slices[slice].shape as Record<string, z.ZodType>).map(([name, schema]) => {
      const meta = (schema.meta() ?? {}) as Partial<VariableDoc>;
      return { slice, name, default: shownDefault(schema, meta), description: meta.description ?? "" };
    }),
  );
}

/** The programs that compose `slice`. */
export function readersOf(slice: SliceName): ProgramName[] {
  return (Object.keys(programs) as ProgramName[]).filter((p) =>
    (programs[p] as readonly SliceName[]).includes(slice),
  );
}

/** Each declared variable set in `env` whose value its schema refuses, with the reason (never the value). */
export function invalidVariables(
  env: Record<string, string | undefined>,
): { name: string; problem: string }[] {
  return (Object.keys(slices) as SliceName[]).flatMap((slice) =>
    Object.entries(slices[slice].shape as Record<string, z.ZodType>).flatMap(([name, schema]) => {
      const value = env[name];
      if (value === undefined || value === "") return [];
      const parsed = schema.safeParse(value);
      return parsed.success ? [] : [{ name, problem: parsed.error.issues[0]!.message }];
    }),
  );
}
