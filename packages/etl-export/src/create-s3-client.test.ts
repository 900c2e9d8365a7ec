import { describe, expect, it } from "vitest";
import { createS3Client } from "./create-s3-client.ts";

describe("createS3Client", () => {
  it("reads the endpoint, region and path style through the declared variables, empty as unset", async () => {
    const custom = createS3Client({
      AWS_ENDPOINT_URL_S3: "",
      AWS_ENDPOINT_URL: "http://127.0.0.1:9000",
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    expect(custom.endpoint).toBe("http://127.0.0.1:9000");
    expect(await custom.client.config.region()).toBe("us-east-1");
    expect(custom.client.config.forcePathStyle).toBe(true);
    custom.client.destroy();
    const aws = createS3Client({
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    expect(aws.endpoint).toBe("AWS S3");
    expect(await aws.client.config.region()).toBe("eu-west-1");
    aws.client.destroy();
  });

  it("refuses a malformed value, naming it", () => {
    expect(() => createS3Client({ AWS_REGION: "Europe" })).toThrow(/AWS_REGION/);
    expect(() => createS3Client({ S3_FORCE_PATH_STYLE: "yes" })).toThrow(/S3_FORCE_PATH_STYLE/);
  });
});
