import { deploy } from "./program.ts";
import { loadSettings } from "./settings.ts";

// Entry point of `pulumi up` (root Pulumi.yaml: main: infra/). Stack outputs are the program's outputs.
const outputs = deploy(loadSettings());

export const namespace = outputs.namespace;
export const kafkaBrokers = outputs.kafkaBrokers;
export const cassandraContactPoints = outputs.cassandraContactPoints;
export const clusterName = outputs.clusterName;
export const dataBucket = outputs.dataBucket;
