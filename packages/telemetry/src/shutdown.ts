import type { Logger } from "./logger.ts";

export type ShutdownHook = () => Promise<void> | void;

/**
 * Runs the hooks in reverse registration order on SIGTERM/SIGINT (last started, first stopped), with a deadline
 * after which the process exits anyway so a stuck hook cannot keep a pod alive forever.
 */
export function installShutdown(logger: Logger, options: { timeoutMs?: number; exit?: boolean } = {}) {
  const hooks: { name: string; fn: ShutdownHook }[] = [];
  let shuttingDown: Promise<void> | null = null;
  const run = (signal: string): Promise<void> => {
    if (shuttingDown) return shuttingDown;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs ?? 15_000 }, "shutdown deadline passed, exiting");
      process.exit(1);
    }, options.timeoutMs ?? 15_000);
    timer.unref();
    shuttingDown = (async () => {
      for (const hook of [...hooks].reverse()) {
        try {
          await hook.fn();
        } catch (error) {
          logger.error({ err: error, hook: hook.name }, "shutdown hook failed");
        }
      }
      clearTimeout(timer);
      logger.info("shutdown complete");
      if (options.exit !== false) process.exit(0);
    })();
    return shuttingDown;
  };
  process.once("SIGTERM", () => void run("SIGTERM"));
  process.once("SIGINT", () => void run("SIGINT"));
  return {
    onShutdown(name: string, fn: ShutdownHook) {
      hooks.push({ name, fn });
    },
    shutdown: run,
  };
}
