import { collectDefaultMetrics, Registry } from "prom-client";

export { Counter, Gauge, Histogram, Registry } from "prom-client";

/** A registry per service process, with Node's default metrics (memory, event loop lag, GC) under a prefix. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: "chainlog_" });
  return registry;
}

/**
 * The metric registered under `config.name`, or a new one: several servers in one process (tests, the
 * launcher) share a registry, and prom-client refuses a second metric of the same name.
 */
export function registeredMetric<M, C extends { name: string }>(
  registry: Registry,
  Kind: new (config: C & { registers: Registry[] }) => M,
  config: C,
): M {
  return (
    (registry.getSingleMetric(config.name) as M | undefined) ?? new Kind({ ...config, registers: [registry] })
  );
}
