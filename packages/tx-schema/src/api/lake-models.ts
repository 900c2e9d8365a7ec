import { z } from "zod";
import { SafeInt } from "../records/primitives.ts";

/** A model table's value: BIGINT, HUGEINT and DECIMAL as exact decimal strings, DOUBLE as a number. */
export const LakeModelCell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A SQL model of the lake as `chainlog models build` last wrote it. */
export const LakeModelSummary = z.object({
  name: z.string().min(1).max(100),
  /** Unix ms of the build (the table file's time). */
  builtAt: SafeInt,
  rows: SafeInt,
});
export const LakeModelsResponse = z.object({ items: z.array(LakeModelSummary) });

export const LakeModelResponse = LakeModelSummary.extend({
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  /** Rows [offset, offset + limit) in the model's own order, keyed by column. */
  items: z.array(z.record(z.string(), LakeModelCell)),
  offset: SafeInt,
});

export type LakeModelsResponse = z.infer<typeof LakeModelsResponse>;
export type LakeModelResponse = z.infer<typeof LakeModelResponse>;
