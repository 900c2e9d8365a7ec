import { afterEach, describe, expect, it, vi } from "vitest";
import { kafkaAuthOptions } from "./kafka-auth.ts";

type Provider = () => Promise<{ value: string }>;
const providerOf = (options: ReturnType<typeof kafkaAuthOptions>) =>
  (options.sasl as unknown as { mechanism: string; oauthBearerProvider: Provider }).oauthBearerProvider;

describe("Kafka auth (KAFKA_AUTH)", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("none: plaintext, no SASL (the local and in-cluster Kafka)", () => {
    expect(kafkaAuthOptions({ mechanism: "none" })).toEqual({});
  });

  it("aws-msk-iam: OAUTHBEARER over TLS, a fresh token from the signer on every authentication", async () => {
    const generate = vi.fn(async (region: string) => ({
      token: `token-${region}-${generate.mock.calls.length}`,
      expiryTime: 0,
    }));
    const options = kafkaAuthOptions({ mechanism: "aws-msk-iam", region: "eu-west-1" }, generate);
    expect(options.ssl).toBe(true);
    expect(options.sasl?.mechanism).toBe("oauthbearer");
    const provider = providerOf(options);
    expect(generate).not.toHaveBeenCalled();
    expect(await provider()).toEqual({ value: "token-eu-west-1-1" });
    expect(await provider()).toEqual({ value: "token-eu-west-1-2" });
    expect(generate).toHaveBeenCalledTimes(2);
    expect(generate).toHaveBeenCalledWith("eu-west-1");
  });

  it("refuses MSK IAM without a region", () => {
    expect(() => kafkaAuthOptions({ mechanism: "aws-msk-iam", region: "" })).toThrow(/AWS_REGION/);
  });

  it("AWS's signer makes a SigV4-presigned kafka-cluster:Connect token from the credential chain (signed locally)", async () => {
    // Static credentials from the environment: the first link of the default chain, so nothing leaves the host.
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    vi.stubEnv("AWS_PROFILE", "");
    const { value } = await providerOf(kafkaAuthOptions({ mechanism: "aws-msk-iam", region: "eu-west-1" }))();
    const url = new URL(Buffer.from(value, "base64url").toString("utf8"));
    expect(url.host).toBe("kafka.eu-west-1.amazonaws.com");
    expect(url.searchParams.get("Action")).toBe("kafka-cluster:Connect");
    expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(
      /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/,
    );
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    // The secret itself never travels.
    expect(value).not.toContain("wJalrXUtnFEMI");
  }, 30_000);
});
