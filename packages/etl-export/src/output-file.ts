/** One file of an export being written: to disk, or streamed to an S3 object. */
export interface OutputFile {
  /** Where it ends up: a path, or s3://bucket/key. */
  readonly location: string;
  write(chunk: string | Uint8Array): Promise<void>;
  /** Finishes the file; for S3 the object appears only now, whole. */
  close(): Promise<void>;
  /** Gives the file up; for S3 no object (and no stored multipart parts) are left. */
  abort(): Promise<void>;
}

/** Where an export's files go: a directory, or an S3 bucket and prefix. */
export interface ExportSink {
  readonly location: string;
  /** Opens `relPath` ("blocks.csv", "blocks/part-00000.parquet"), with the same names in both kinds. */
  open(relPath: string): Promise<OutputFile>;
  /** After every file closed: releases connections. */
  close(): Promise<void>;
  /** After a failure: aborts the open files and, for S3, removes the objects this export already wrote. */
  abort(): Promise<void>;
}
