/** Stack config overrides the stack tests render with, as `pulumi config set` stores them. */

/** What `pulumi config set chainlog:documentdbCaBundle -- "$(cat global-bundle.pem)"` stores. */
export const documentdbCaBundle = {
  "chainlog:documentdbCaBundle": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
};

/** Every engine switched to its managed AWS service (MSK, Keyspaces, Atlas). */
export const managedEngines = {
  "chainlog:kafka": JSON.stringify({
    mode: "msk",
    brokers: 3,
    replicationFactor: 3,
    minInsyncReplicas: 2,
    partitions: 24,
  }),
  "chainlog:cassandra": JSON.stringify({ mode: "keyspaces" }),
  "chainlog:mongodb": JSON.stringify({ mode: "atlas" }),
};
