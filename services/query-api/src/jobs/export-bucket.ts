/** Where finished exports are also written when CHAINLOG_EXPORT_BUCKET is set. */
export interface ExportBucket {
  /** Writes the file as s3://<bucket>/exports/<userId>/<jobId>/<filename>; returns that URL. */
  put(userId: string, jobId: string, filename: string, body: Buffer): Promise<string>;
}

/**
 * The stack's export bucket (the IRSA role of query-api may write only under exports/). Credentials and region
 * come from the standard AWS chain in `env`; an S3-compatible server from AWS_ENDPOINT_URL_S3.
 */
export function createExportBucket(bucket: string, env: NodeJS.ProcessEnv = process.env): ExportBucket {
  return {
    async put(userId, jobId, filename, body) {
      // loaded on the first export to the bucket: the AWS SDK is not a cost of every start
      const { createS3Sink } = await import("@chainlog/etl-export/s3");
      const sink = await createS3Sink(`s3://${bucket}/exports/${userId}/${jobId}`, env);
      const file = await sink.open(filename);
      try {
        await file.write(body);
        await file.close();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      await sink.close();
      return file.location;
    },
  };
}
