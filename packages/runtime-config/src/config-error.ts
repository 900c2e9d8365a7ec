import { ChainlogError } from "@chainlog/tx-schema";

export class ConfigError extends ChainlogError {
  override name = "ConfigError";
}
