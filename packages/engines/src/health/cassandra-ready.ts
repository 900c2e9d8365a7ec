import cassandra from "cassandra-driver";
import { EngineNotReadyError } from "../errors.ts";

/**
 * One probe: a CQL session answers, and (several nodes) the driver sees every node up and every node
 * knows all its peers — so a keyspace with RF = nodes can be written at QUORUM right away.
 */
export async function cassandraReady(
  contactPoints: string[],
  localDc: string,
  expectNodes: number,
): Promise<boolean> {
  const client = new cassandra.Client({
    contactPoints,
    localDataCenter: localDc,
    // the driver dials peers it discovers on this port, not on the contact points' ports
    protocolOptions: { port: Number(contactPoints[0]?.split(":")[1] ?? 9042) },
    socketOptions: { connectTimeout: 3000, readTimeout: 10_000 },
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500) },
  });
  try {
    await client.connect();
    await client.execute("SELECT release_version FROM system.local");
    if (expectNodes === 1) return true;
    const hosts = client.hosts.values();
    const up = hosts.filter((h) => h.isUp());
    if (up.length < expectNodes)
      throw new EngineNotReadyError(`the driver sees ${up.length} of ${expectNodes} nodes up`);
    for (const host of hosts) {
      const peers = await client.execute("SELECT peer FROM system.peers_v2", [], { host });
      if (peers.rowLength < expectNodes - 1)
        throw new EngineNotReadyError(`${host.address} knows ${peers.rowLength} of ${expectNodes - 1} peers`);
    }
    return true;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}
