/**
 * The container securityContext that Pod Security's "restricted" level admits (the level the services' namespace
 * enforces): every container the program writes runs with it, and the policy tests start from it.
 */
export const restrictedSecurityContext = {
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
};
