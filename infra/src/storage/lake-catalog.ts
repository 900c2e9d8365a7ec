import { LakeSchemas, loadModels } from "@chainlog/lake";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** Under this prefix of the data bucket the lake keeps `entity/date=YYYY-MM-DD/part-….parquet`. */
export const LAKE_PREFIX = "lake";
const GLUE_TYPES = { INT64: "bigint", STRING: "string", DOUBLE: "double" } as const;

/** Glue's columns of a lake table, generated from the sink's own Parquet schema so the two cannot drift. */
export function glueColumns(entity: keyof typeof LakeSchemas): { name: string; type: string }[] {
  return LakeSchemas[entity].map((c) => ({ name: c.name, type: GLUE_TYPES[c.type] }));
}

export interface LakeCatalog {
  database: aws.glue.CatalogDatabase;
  workgroup: aws.athena.Workgroup;
  databaseName: string;
  workgroupName: string;
}

/**
 * The lake on AWS: a Glue database with one table per lake entity over the bucket (Parquet, partitioned by
 * `date` through partition projection, so new days are queryable without a crawler or MSCK REPAIR), an Athena
 * workgroup whose results stay in the same private bucket under athena-results/ (its encryption), with a per-query scan
 * cap, and every SQL model of packages/lake/models as a saved query of that workgroup (the same files DuckDB runs).
 */
export function createLakeCatalog(
  name: string,
  stack: string,
  bucket: { bucket: pulumi.Output<string> },
): LakeCatalog {
  const databaseName = `chainlog_${stack.replace(/[^a-z0-9]/g, "_")}`;
  const database = new aws.glue.CatalogDatabase(`${name}-lake`, {
    name: databaseName,
    description: "Chainlog's lake: final blocks in ethereum-etl's schemas plus swaps and prices, by UTC day",
  });
  for (const entity of Object.keys(LakeSchemas) as (keyof typeof LakeSchemas)[]) {
    const location = bucket.bucket.apply((b) => `s3://${b}/${LAKE_PREFIX}/${entity}/`);
    new aws.glue.CatalogTable(`${name}-lake-${entity}`, {
      name: entity,
      databaseName: database.name,
      tableType: "EXTERNAL_TABLE",
      parameters: {
        EXTERNAL: "TRUE",
        classification: "parquet",
        "projection.enabled": "true",
        "projection.date.type": "date",
        "projection.date.format": "yyyy-MM-dd",
        "projection.date.range": "2015-07-30,NOW",
        "projection.date.interval": "1",
        "projection.date.interval.unit": "DAYS",
        "storage.location.template": location.apply((l) => `${l}date=\${date}/`),
      },
      partitionKeys: [{ name: "date", type: "string" }],
      storageDescriptor: {
        location,
        inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        serDeInfo: {
          serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
          parameters: { "serialization.format": "1" },
        },
        columns: glueColumns(entity),
      },
    });
  }
  const workgroupName = `${name}-lake`;
  const workgroup = new aws.athena.Workgroup(`${name}-lake`, {
    name: workgroupName,
    description: "SQL models over Chainlog's lake",
    state: "ENABLED",
    forceDestroy: false,
    configuration: {
      enforceWorkgroupConfiguration: true,
      publishCloudwatchMetricsEnabled: true,
      // 100 GB: a runaway query over the whole chain stops instead of running up the bill
      bytesScannedCutoffPerQuery: 100 * 1024 ** 3,
      engineVersion: { selectedEngineVersion: "Athena engine version 3" },
      resultConfiguration: {
        // no encryption option: results take the bucket's default (SSE-KMS with a bucket key)
        outputLocation: bucket.bucket.apply((b) => `s3://${b}/athena-results/`),
      },
    },
  });
  for (const model of loadModels())
    new aws.athena.NamedQuery(`${name}-model-${model.name}`, {
      name: model.name,
      workgroup: workgroup.name,
      database: database.name,
      description: `packages/lake/models/${model.name}.sql`,
      query: model.sql,
    });
  return { database, workgroup, databaseName, workgroupName };
}
