import { errorClass } from "@chainlog/tx-schema";

export class EngineInstallError extends errorClass("EngineInstallError") {}

export class EngineStartError extends errorClass("EngineStartError") {}

export class PortInUseError extends errorClass(
  "PortInUseError",
  (host: string, port: number, purpose: string) =>
    `${host}:${port} (${purpose}) is already in use; pick another port or stop what holds it`,
) {}

export class EnginesAlreadyRunningError extends errorClass(
  "EnginesAlreadyRunningError",
  (baseDir: string) => `engines are already running in ${baseDir}; run \`pnpm engines:down\` first`,
) {}

/** Options or a command line the engines cannot run with. */
export class EngineOptionsError extends errorClass("EngineOptionsError") {}

/** An engine that answers but is not ready yet (brokers or nodes still joining): polled again until a deadline. */
export class EngineNotReadyError extends errorClass("EngineNotReadyError", (shortMessage: string) => [
  shortMessage,
  { retryable: true },
]) {}

/** The engines' state file, or a process it should name, is missing or unreadable. */
export class EngineStateError extends errorClass("EngineStateError") {}
