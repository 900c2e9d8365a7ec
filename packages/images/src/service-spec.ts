import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * What every service image is built with, and what a deployment must agree with: the infra suite reads these same
 * values for its container checks, so an image and the pods that run it cannot drift apart.
 */
export const containerRuntime = {
  /** Non-root; owns nothing in the image, only the data volume. */
  uid: 10001,
  gid: 10001,
  /** The one writable path the embedded mode needs; a volume (the root filesystem is read-only). */
  dataDir: "/data",
  /** Where the service's files live in the image, read-only. */
  appDir: "/app",
  livenessPath: "/healthz",
  readinessPath: "/readyz",
  /** SIGTERM, then this long to finish in-flight work before a SIGKILL (Kubernetes' terminationGracePeriodSeconds). */
  stopGraceSeconds: 30,
} as const;

export class ServiceSpecError extends Error {
  override name = "ServiceSpecError";
}

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an environment variable name");
const ImageSection = z.strictObject({
  /** The port the service's HTTP server (API, UI, or /healthz /readyz /metrics) listens on in the container. */
  port: z.number().int().min(1024).max(65535),
  /** The variable the service reads that port from; the image sets it, so the two cannot disagree. */
  portEnv: envName,
  /** The variable it reads its listen address from: every interface in the image (probes, Prometheus). */
  hostEnv: envName,
  /** Further image defaults (where prebuilt assets are). Never a secret. */
  env: z.record(envName, z.string()).default({}),
});

const ServicePackage = z.object({
  name: z.string().regex(/^@chainlog\/[a-z][a-z0-9-]*$/),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/, "a semver version"),
  scripts: z.record(z.string(), z.string()).optional(),
  chainlog: z.object({ image: ImageSection }).optional(),
});

export interface ServiceImageSpec {
  /** Directory name under services/, and the image name. */
  service: string;
  packageName: string;
  version: string;
  dir: string;
  port: number;
  portEnv: string;
  hostEnv: string;
  /** The image's own environment: data path, listen address and port, and the service's extra defaults. */
  env: Record<string, string>;
}

/**
 * Every directory under services/ is a service and gets an image: nothing is listed by hand, so a new service is
 * built, released and smoke-tested as soon as it exists — or fails here, saying what it lacks.
 */
export function listServices(root = repoRoot): ServiceImageSpec[] {
  const servicesDir = join(root, "services");
  const names = readdirSync(servicesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(servicesDir, d.name, "package.json")))
    .map((d) => d.name)
    .sort();
  return names.map((service) => readServiceSpec(join(servicesDir, service)));
}

export function readServiceSpec(dir: string): ServiceImageSpec {
  const service = dir.split("/").pop() ?? dir;
  const where = `services/${service}/package.json`;
  const parsed = ServicePackage.safeParse(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")));
  if (!parsed.success) {
    throw new ServiceSpecError(
      `${where}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const pkg = parsed.data;
  if (pkg.name !== `@chainlog/${service}`) {
    throw new ServiceSpecError(
      `${where}: the name must be @chainlog/${service} (the image is named after the directory)`,
    );
  }
  if (!pkg.chainlog?.image) {
    throw new ServiceSpecError(
      `${where} has no "chainlog": { "image": { "port", "portEnv", "hostEnv", "env" } }: every service under services/ is released as an image`,
    );
  }
  if (!pkg.scripts?.build?.includes("chainlog-bundle")) {
    throw new ServiceSpecError(
      `${where}: the "build" script must run chainlog-bundle (the image runs node dist/main.js, never the TypeScript sources)`,
    );
  }
  const image = pkg.chainlog.image;
  return {
    service,
    packageName: pkg.name,
    version: pkg.version,
    dir,
    port: image.port,
    portEnv: image.portEnv,
    hostEnv: image.hostEnv,
    env: {
      NODE_ENV: "production",
      CHAINLOG_DATA_DIR: containerRuntime.dataDir,
      // Stack traces point at the TypeScript sources (the bundle ships its source maps).
      NODE_OPTIONS: "--enable-source-maps",
      ...image.env,
      [image.hostEnv]: "0.0.0.0",
      [image.portEnv]: String(image.port),
    },
  };
}
