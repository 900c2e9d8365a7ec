import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { objectKey, parseS3Url, type S3Location } from "@chainlog/etl-export";
import { assertBucket, createS3Client, createS3ObjectWriter, s3Failure } from "@chainlog/etl-export/s3";
import { LakePositionError } from "./errors.ts";
import {
  coveredParts,
  DATE,
  type Lake,
  type LakePart,
  type LakePosition,
  parsePartName,
  partName,
} from "./lake.ts";
import { createParquetStream, encodeParquet, parquetRowGroups } from "./parquet.ts";
import { LakeEntities, type LakeEntity, type LakeRow } from "./schema.ts";

const PARQUET = "application/vnd.apache.parquet";

/**
 * A lake under s3://bucket/prefix with the directory's layout. S3 has no rename, but a PUT appears whole or not
 * at all and is read back at once (strong read-after-write), so the order of writes carries the protocol:
 * - a part is put under a name keyed by its block range, then the position object moves past it; parts at or
 *   above the position are leftovers of a run that died between the two, deleted on recover() and rewritten;
 * - a final day is merged into one object named by the day's whole range, then the parts it holds are deleted;
 *   recover() deletes parts that another part's range holds (a merge cut before its deletes).
 * So a restart at any point loses and duplicates nothing. A reader listing the day while its merge is between
 * the two steps can see its rows twice for that moment (seconds); a single sink writes a prefix at a time.
 */
export class LakeS3 implements Lake {
  readonly location: string;

  private constructor(
    private readonly client: S3Client,
    private readonly where: S3Location,
    private readonly endpoint: string,
    url: string,
  ) {
    this.location = url.replace(/\/+$/, "");
  }

  /**
   * Opens s3://bucket/prefix with the standard AWS credential chain (AWS_ENDPOINT_URL_S3 names an S3-compatible
   * server); fails at once, with what to fix, when the bucket is missing or the credentials do not reach it.
   */
  static async open(url: string, env: NodeJS.ProcessEnv = process.env): Promise<LakeS3> {
    const where = parseS3Url(url);
    const { client, endpoint } = createS3Client(env);
    try {
      await assertBucket(client, where.bucket, endpoint);
    } catch (error) {
      client.destroy();
      throw error;
    }
    return new LakeS3(client, where, endpoint, url);
  }

  private key(rel: string): string {
    return objectKey(this.where, rel);
  }

  /** One request, its failure mapped to the S3 error that says what to fix. */
  private async send<T>(request: () => Promise<T>, key?: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw s3Failure(error, { bucket: this.where.bucket, key, endpoint: this.endpoint });
    }
  }

  /** An object's bytes by its key, or null when there is none. */
  private async get(Key: string): Promise<Uint8Array | null> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key }));
      return await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return null;
      throw s3Failure(error, { bucket: this.where.bucket, key: Key, endpoint: this.endpoint });
    }
  }

  private put(rel: string, body: Uint8Array | string, contentType: string): Promise<unknown> {
    const Key = this.key(rel);
    return this.send(
      () =>
        this.client.send(
          new PutObjectCommand({ Bucket: this.where.bucket, Key, Body: body, ContentType: contentType }),
        ),
      Key,
    );
  }

  /** The key of an s3://bucket/key path this lake listed. */
  private keyOf(path: string): string {
    return path.slice(`s3://${this.where.bucket}/`.length);
  }

  private remove(path: string): Promise<unknown> {
    const Key = this.keyOf(path);
    return this.send(
      () => this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key })),
      Key,
    );
  }

  /** Keys (or, with a delimiter, the common prefixes) under a prefix, every page. */
  private async list(rel: string, delimiter?: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.where.bucket,
            Prefix: this.key(rel),
            Delimiter: delimiter,
            ContinuationToken: token,
          }),
        ),
      );
      if (delimiter) for (const p of page.CommonPrefixes ?? []) out.push(p.Prefix ?? "");
      else for (const o of page.Contents ?? []) out.push(o.Key ?? "");
      token = page.NextContinuationToken;
    } while (token);
    return out;
  }

  async readPosition(): Promise<LakePosition | null> {
    const bytes = await this.get(this.key("_chainlog/position.json"));
    if (!bytes) return null;
    const p = JSON.parse(Buffer.from(bytes).toString("utf8")) as LakePosition;
    if (!Number.isSafeInteger(p.next) || p.next < 0)
      throw new LakePositionError(`${this.location}/_chainlog/position.json holds no valid position`);
    return p;
  }

  async days(entity: LakeEntity): Promise<string[]> {
    return (await this.list(`${entity}/`, "/"))
      .map((p) => DATE.exec(p.replace(/\/$/, "").split("/").pop() ?? "")?.[1])
      .filter((d): d is string => !!d)
      .sort();
  }

  async parts(entity: LakeEntity, day: string): Promise<LakePart[]> {
    return (await this.list(`${entity}/date=${day}/`))
      .map((key) => ({ key, range: parsePartName(key.split("/").pop() ?? "") }))
      .filter((x) => x.range)
      .map((x) => ({ ...x.range!, path: `s3://${this.where.bucket}/${x.key}` }))
      .sort((a, b) => a.first - b.first);
  }

  async recover(): Promise<LakePosition | null> {
    const position = await this.readPosition();
    for (const entity of LakeEntities)
      for (const day of await this.days(entity)) {
        const parts = await this.parts(entity, day);
        // with no position yet, nothing was ever committed
        const uncommitted = parts.filter((p) => p.first >= (position?.next ?? 0));
        const kept = parts.filter((p) => !uncommitted.includes(p));
        for (const p of [...uncommitted, ...coveredParts(kept)]) await this.remove(p.path);
      }
    return position;
  }

  async commitPart(
    day: string,
    first: number,
    last: { number: number; hash: string },
    rows: Record<LakeEntity, LakeRow[]>,
  ): Promise<number> {
    const name = partName(first, last.number);
    let bytes = 0;
    for (const entity of LakeEntities) {
      const data = encodeParquet(entity, rows[entity]);
      bytes += data.byteLength;
      await this.put(`${entity}/date=${day}/${name}`, data, PARQUET);
    }
    const position: LakePosition = { next: last.number + 1, lastHash: last.hash, lastDay: day };
    await this.put("_chainlog/position.json", JSON.stringify(position), "application/json");
    return bytes;
  }

  async compactDay(day: string): Promise<boolean> {
    let changed = false;
    for (const entity of LakeEntities) {
      let parts = await this.parts(entity, day);
      // an earlier merge cut before its deletes: finish it rather than merge the day twice
      const covered = coveredParts(parts);
      for (const p of covered) await this.remove(p.path);
      parts = parts.filter((p) => !covered.includes(p));
      if (parts.length < 2) {
        changed ||= covered.length > 0;
        continue;
      }
      if (parts.some((p) => p.last === null))
        throw new LakePositionError(`${this.location}/${entity}/date=${day} holds a part without its range`);
      const name = partName(parts[0]!.first, Math.max(...parts.map((p) => p.last!)));
      // streamed: one part and one row group in memory; the object appears only when whole (multipart above 8 MiB)
      const out = createParquetStream(
        entity,
        createS3ObjectWriter({
          client: this.client,
          endpoint: this.endpoint,
          bucket: this.where.bucket,
          key: this.key(`${entity}/date=${day}/${name}`),
          contentType: PARQUET,
        }),
      );
      for (const part of parts) {
        const bytes = await this.get(this.keyOf(part.path));
        if (!bytes) throw new LakePositionError(`${part.path} vanished while its day was merged`);
        for await (const group of parquetRowGroups(bytes)) await out.write(group);
      }
      await out.close();
      for (const part of parts) await this.remove(part.path);
      changed = true;
    }
    return changed;
  }

  close(): void {
    this.client.destroy();
  }
}
