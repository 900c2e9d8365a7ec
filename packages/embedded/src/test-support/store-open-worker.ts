/*
 * Opens a store file (which migrates it) once the file named by GO appears, so several processes race to
 * upgrade it, then prints the daily stats of one day as JSON.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createSqliteStore } from "../sqlite-store.ts";

const [path, go, day] = process.argv.slice(2);
if (!path || !go || !day) throw new Error("usage: store-open-worker <path> <go-file> <day>");
process.stdout.write("ready\n");
while (!existsSync(go)) await sleep(2);
const store = createSqliteStore({ path });
process.stdout.write(`${JSON.stringify(await store.getDailyStats(day, day))}\n`);
await store.close();
