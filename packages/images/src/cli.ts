import { buildImages } from "./build-images.ts";

const USAGE = `usage: pnpm images <command>
  build [--only svc,svc] [--refresh-base]   compile every service, build the base and one image per service
                                            (OCI archive, digest, SBOM; .images/release.json)
  smoke [--keep]                             run the whole stack from the built images against a devnet
  record                                     merge .images/release.json into infra/release/images.json`;

const log = (line: string) => console.log(`images: ${line}`);

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const started = Date.now();
  if (command === "build") {
    const only = flag(args, "--only")?.split(",").filter(Boolean);
    const { images } = await buildImages({ only, refreshBase: args.includes("--refresh-base"), log });
    for (const i of images) {
      log(
        `${i.spec.service}:${i.spec.version} ${(i.sizeBytes / 1e6).toFixed(1)} MB ${i.digest} (${i.seconds.toFixed(1)} s)`,
      );
    }
  } else if (command === "smoke") {
    const { smokeTest } = await import("./smoke.ts");
    await smokeTest({ keep: args.includes("--keep"), log });
  } else if (command === "record") {
    const { recordRelease } = await import("./record-release.ts");
    recordRelease(log);
  } else {
    console.error(USAGE);
    process.exit(command ? 2 : 0);
  }
  log(`${command} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`images: ${error.name}: ${error.message}`);
  process.exit(1);
});
