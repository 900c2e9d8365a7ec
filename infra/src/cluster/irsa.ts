import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface OidcIssuer {
  providerArn: pulumi.Input<string>;
  /** Issuer URL without the scheme, as IAM condition keys want it. */
  providerUrl: pulumi.Input<string>;
}

/**
 * An IAM role that exactly one Kubernetes ServiceAccount can assume through the cluster's OIDC provider (IRSA),
 * so a pod gets only its own AWS permissions and never the node's.
 */
export function createIrsaRole(
  name: string,
  oidc: OidcIssuer,
  namespace: string,
  serviceAccount: string,
  policy: pulumi.Input<string> | undefined,
  managedPolicyArns: string[] = [],
): aws.iam.Role {
  const assumeRolePolicy = pulumi.all([oidc.providerArn, oidc.providerUrl]).apply(([arn, url]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: arn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${url}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
              [`${url}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    }),
  );
  const role = new aws.iam.Role(name, { assumeRolePolicy });
  if (policy) new aws.iam.RolePolicy(name, { role: role.name, policy });
  managedPolicyArns.forEach((arn, i) => {
    new aws.iam.RolePolicyAttachment(`${name}-${i}`, { role: role.name, policyArn: arn });
  });
  return role;
}
