/**
 * Preload for profiling the pipeline's processes (`NODE_OPTIONS="--import …/cpu-profile.mjs"`; Node refuses
 * --cpu-prof in NODE_OPTIONS): profiles the whole process and writes CHAINLOG_CPU_PROF/<argv1>-<pid>.cpuprofile
 * when it exits (services exit through process.exit after their graceful shutdown). Used by BENCH_CPU_PROF.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { basename, dirname, join } from "node:path";

const dir = process.env.CHAINLOG_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  process.once("exit", () => {
    // a same-thread session answers synchronously, so this completes inside the exit handler
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      const script = process.argv[1] ?? "node";
      const name = `${basename(dirname(dirname(script)))}-${basename(script, ".ts")}-${process.pid}.cpuprofile`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  });
}
