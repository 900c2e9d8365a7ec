export class EngineInstallError extends Error {
  override name = "EngineInstallError";
}

export class EngineStartError extends Error {
  override name = "EngineStartError";
}

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(
    readonly host: string,
    readonly port: number,
    readonly purpose: string,
  ) {
    super(`${host}:${port} (${purpose}) is already in use; pick another port or stop what holds it`);
  }
}

export class EnginesAlreadyRunningError extends Error {
  override name = "EnginesAlreadyRunningError";
  constructor(readonly baseDir: string) {
    super(`engines are already running in ${baseDir}; run \`pnpm engines:down\` first`);
  }
}
