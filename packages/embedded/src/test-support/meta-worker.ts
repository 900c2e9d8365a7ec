/*
 * Claims jobs of one kind from a meta store file until none is left, printing "claimed <id>" for each. Prints
 * "ready" once open and waits for the file named by GO to appear, so several workers really race.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createSqliteMetaStore } from "../sqlite-meta-store.ts";

const [path, kind, go] = process.argv.slice(2);
if (!path || !kind || !go) throw new Error("usage: meta-worker <path> <kind> <go-file>");
const meta = createSqliteMetaStore({ path });
process.stdout.write("ready\n");
while (!existsSync(go)) await sleep(2);
for (;;) {
  const job = await meta.claimJob(kind);
  if (!job) break;
  process.stdout.write(`claimed ${job.id}\n`);
  // A real worker does the job between claims. Without a pause, SQLite's lock is unfair: one process re-takes it
  // each time while the others' busy handlers sleep, and the claims would not interleave at all.
  await sleep(5 + Math.random() * 10);
}
await meta.close();
