import { Versions } from "../versions.ts";
import { type InstalledJars, installMavenClosure } from "./maven-closure.ts";

/** cassandra-all's runtime scope already carries logback, its logging backend. */
export function installCassandra(cacheDir: string): Promise<InstalledJars> {
  return installMavenClosure(cacheDir, `cassandra-${Versions.cassandra}`, [
    { groupId: "org.apache.cassandra", artifactId: "cassandra-all", version: Versions.cassandra },
  ]);
}
