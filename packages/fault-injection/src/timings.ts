/** Wall-clock phases of a test, printed at the end so CI time can be budgeted per file. */
export function createTimings(name: string) {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let last = started;
  return {
    /** Records the time since the previous mark (or the start) under `phase`. */
    mark(phase: string) {
      const now = performance.now();
      phases[phase] = Math.round(now - last);
      last = now;
    },
    report(extra: Record<string, unknown> = {}) {
      const totalMs = Math.round(performance.now() - started);
      const line = { test: name, totalMs, phasesMs: phases, ...extra };
      console.log(`[timings] ${JSON.stringify(line)}`);
      return line;
    },
  };
}
