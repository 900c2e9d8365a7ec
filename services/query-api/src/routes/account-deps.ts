import type { MetaStore } from "@chainlog/ports";
import type { ApiSettings } from "../settings.ts";

/** What the routes on the caller's own things (jobs, watchlists, wallet) are registered with. */
export interface AccountRouteDeps {
  meta: MetaStore;
  settings: ApiSettings;
}
