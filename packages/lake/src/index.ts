export * from "./block-rows.ts";
export * from "./create-lake-sink.ts";
export * from "./errors.ts";
export * from "./lake-dir.ts";
export * from "./lake-sql.ts";
export * from "./parquet.ts";
export * from "./schema.ts";
