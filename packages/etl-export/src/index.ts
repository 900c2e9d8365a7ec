export * from "./csv-writer.ts";
export * from "./dir-sink.ts";
export * from "./etl-rows.ts";
export * from "./export-range.ts";
export * from "./output-file.ts";
export * from "./s3-url.ts";
