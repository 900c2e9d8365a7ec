import { writeFileSync } from "node:fs";
import { artifactsPath, compileContracts, renderArtifacts } from "./compile-contracts.ts";

writeFileSync(artifactsPath, renderArtifacts(compileContracts()));
console.log(`wrote ${artifactsPath}`);
