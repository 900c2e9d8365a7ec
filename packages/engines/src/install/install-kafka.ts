import { Versions } from "../versions.ts";
import { type InstalledJars, installMavenClosure } from "./maven-closure.ts";

export function installKafka(cacheDir: string): Promise<InstalledJars> {
  return installMavenClosure(cacheDir, `kafka_${Versions.scala}-${Versions.kafka}`, [
    { groupId: "org.apache.kafka", artifactId: `kafka_${Versions.scala}`, version: Versions.kafka },
    { groupId: "org.slf4j", artifactId: "slf4j-reload4j", version: Versions.slf4jReload4j },
  ]);
}
