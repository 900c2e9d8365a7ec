import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BundleError, bundleService, packageNameOf } from "./bundle-service.ts";

let root: string;
let service: string;
const write = (path: string, text: string) => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "chainlog-bundle-"));
  service = join(root, "services/demo");
  write(
    join(service, "package.json"),
    JSON.stringify({
      name: "@chainlog/demo",
      type: "module",
      dependencies: { kafkajs: "2.2.4" },
      devDependencies: { vitest: "4.1.12" },
    }),
  );
  write(join(service, "src/helper.ts"), "export const twice = (n: number): number => n * 2;\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("bundleService", () => {
  it("compiles the service's TypeScript into dist/main.js and lists the npm packages it loads", async () => {
    write(
      join(service, "src/main.ts"),
      'import { readFileSync } from "node:fs";\nimport { Kafka } from "kafkajs";\nimport { twice } from "./helper.ts";\nconsole.log(twice(2), Kafka, readFileSync);\n',
    );
    const manifest = await bundleService(service, root);
    expect(manifest).toEqual({ entry: "main.js", externals: ["kafkajs"] });
    const js = readFileSync(join(service, "dist/main.js"), "utf8");
    expect(js).toContain('from "kafkajs"');
    expect(js).toContain("n * 2");
    expect(js).not.toContain(": number");
  });

  it("refuses a devDependency reached from production code, naming the importer", async () => {
    write(join(service, "src/main.ts"), 'import { describe } from "vitest";\nconsole.log(describe);\n');
    await expect(bundleService(service, root)).rejects.toThrow(
      /services\/demo\/src\/main.ts imports vitest, a devDependency of @chainlog\/demo/,
    );
  });

  it("refuses an undeclared import and a service without src/main.ts", async () => {
    write(join(service, "src/main.ts"), 'import "left-pad";\n');
    await expect(bundleService(service, root)).rejects.toThrow(
      /imports left-pad, which services\/demo\/package.json does not declare/,
    );
    rmSync(join(service, "src/main.ts"));
    await expect(bundleService(service, root)).rejects.toThrow(BundleError);
  });

  it("names packages from deep imports", () => {
    expect(packageNameOf("viem/accounts")).toBe("viem");
    expect(packageNameOf("@fastify/swagger-ui/static")).toBe("@fastify/swagger-ui");
  });
});
