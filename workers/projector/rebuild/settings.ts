/**
 * `REBUILD_GRACE_SECONDS` (documented in wrangler.projector.toml): how long a namespace replaced by a rebuild is
 * kept, and folded, before it is deleted. Unset means 600 (10 minutes). It must outlast the pointer cache and the
 * longest request (a few seconds): a worker that read the pointer just before the switch reads the old namespace
 * until then. 0 deletes at once (tests only).
 */
import { type Bindings, binding } from "../../../shared/config";
import { ConfigError } from "../../../shared/errors";

export const DEFAULT_REBUILD_GRACE_SECONDS = 600;

export function rebuildGraceMs(env: Bindings): number {
  const raw = binding(env, "REBUILD_GRACE_SECONDS");
  if (raw === undefined || raw === null || raw === "") return DEFAULT_REBUILD_GRACE_SECONDS * 1000;
  const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n > 86_400)
    throw new ConfigError("REBUILD_GRACE_SECONDS", "must be an integer from 0 to 86400");
  return n * 1000;
}
