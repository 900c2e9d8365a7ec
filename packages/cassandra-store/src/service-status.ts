import type { Store } from "@chainlog/ports";
import { ServiceStatus } from "@chainlog/tx-schema";
import { num, parse, readOptions, type StoreContext } from "./context.ts";

/** One small partition (a row per service instance); the table's TTL removes instances that went away. */
export function createServiceStatus(
  ctx: StoreContext,
): Pick<Store, "putServiceStatus" | "getServiceStatuses"> {
  return {
    async putServiceStatus(status) {
      const s = ServiceStatus.parse(status);
      await ctx.settings();
      await ctx.exec(
        `INSERT INTO ${ctx.ks}.service_status (id, service, instance, updated_at, data) VALUES (0, ?, ?, ?, ?)`,
        [s.service, s.instance, s.updatedAt, JSON.stringify(s)],
      );
    },

    async getServiceStatuses(maxAgeMs) {
      if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0)
        throw new RangeError("maxAgeMs must be a non-negative number");
      await ctx.settings();
      const since = Date.now() - maxAgeMs;
      const rs = await ctx.exec(
        `SELECT updated_at, data FROM ${ctx.ks}.service_status WHERE id = 0`,
        [],
        readOptions,
      );
      const out: ServiceStatus[] = [];
      // clustered by (service, instance): "ingest" sorts before "processor"
      for await (const r of rs) if (num(r.updated_at) >= since) out.push(parse<ServiceStatus>(r.data));
      return out;
    },
  };
}
