// The one logger type lives with the logger; ports names it for the adapters that implement its interfaces.
export type { AdapterLogger } from "@chainlog/telemetry";
