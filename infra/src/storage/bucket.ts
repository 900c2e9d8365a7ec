import * as aws from "@pulumi/aws";

/**
 * The exports and data-lake bucket: private (every public-access switch blocked), versioned so an overwritten
 * export can be recovered, encrypted at rest, TLS-only, and old versions expire.
 */
export function createDataBucket(name: string, backupRetentionDays: number): aws.s3.Bucket {
  const bucket = new aws.s3.Bucket(name, { bucketPrefix: `${name}-`, forceDestroy: false });
  new aws.s3.BucketPublicAccessBlock(name, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
  new aws.s3.BucketServerSideEncryptionConfiguration(name, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
  });
  new aws.s3.BucketOwnershipControls(name, {
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  new aws.s3.BucketLifecycleConfiguration(name, {
    bucket: bucket.id,
    rules: [
      { id: "expire-old-versions", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 30 } },
      {
        id: "expire-backups",
        status: "Enabled",
        filter: { prefix: "backups/" },
        expiration: { days: backupRetentionDays },
      },
      {
        id: "abort-multipart",
        status: "Enabled",
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ],
  });
  new aws.s3.BucketPolicy(name, {
    bucket: bucket.id,
    policy: bucket.arn.apply((arn) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    ),
  });
  return bucket;
}
