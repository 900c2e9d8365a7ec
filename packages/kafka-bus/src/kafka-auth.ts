import type { KafkaConfig, OauthbearerProviderResponse } from "kafkajs";
import { KafkaConfigError } from "./errors.ts";

/** How the bus authenticates to its brokers. */
export type KafkaAuth = { mechanism: "none" } | { mechanism: "aws-msk-iam"; region: string };

/** An MSK IAM token: a SigV4-presigned kafka-cluster:Connect request, base64url, and when it expires (ms). */
export type MskTokenGenerator = (region: string) => Promise<{ token: string; expiryTime: number }>;

/** AWS's own signer (aws-msk-iam-sasl-signer-js), with the default credential chain (IRSA on EKS). */
export const awsMskIamToken: MskTokenGenerator = async (region) => {
  const { generateAuthToken } = await import("aws-msk-iam-sasl-signer-js");
  return generateAuthToken({ region });
};

/**
 * The kafkajs connection settings of an auth mode. MSK IAM is SASL OAUTHBEARER over TLS: kafkajs asks for a
 * token on every (re)authentication, and the signer makes a fresh one from the current credentials each time.
 */
export function kafkaAuthOptions(
  auth: KafkaAuth,
  generate: MskTokenGenerator = awsMskIamToken,
): Pick<KafkaConfig, "ssl" | "sasl"> {
  if (auth.mechanism === "none") return {};
  if (!auth.region) throw new KafkaConfigError("KAFKA_AUTH=aws-msk-iam needs the AWS region (AWS_REGION)");
  return {
    ssl: true,
    sasl: {
      mechanism: "oauthbearer",
      oauthBearerProvider: async (): Promise<OauthbearerProviderResponse> => {
        const { token } = await generate(auth.region);
        return { value: token };
      },
    },
  };
}
