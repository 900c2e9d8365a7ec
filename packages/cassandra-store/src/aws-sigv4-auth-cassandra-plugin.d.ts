// The plugin ships no types; what cassandra-auth.ts uses of it.
declare module "aws-sigv4-auth-cassandra-plugin" {
  import type { auth } from "cassandra-driver";
  export class SigV4AuthProvider implements auth.AuthProvider {
    constructor(options: {
      region: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      sessionToken?: string;
    });
    newAuthenticator(endpoint: string, name: string): auth.Authenticator;
  }
}
