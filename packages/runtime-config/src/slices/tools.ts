import { z } from "zod";
import { doc } from "../env-values.ts";

/** Build tools, not services: what @chainlog/images reads while building and smoke-testing images. */
export const ToolsSlice = z.object({
  CHAINLOG_NOFILE_LIMIT: doc(
    z.coerce.number().int().min(1024).optional(),
    "open-file limit of containers podman runs for the image builds and smoke tests",
    "this process's hard limit",
  ),
});
