/**
 * `REBUILD_GRACE_SECONDS` (documented in wrangler.projector.toml): how long a namespace replaced by a rebuild is
 * kept, and folded, before it is deleted. Unset means 600 (10 minutes). The old namespace is folded until 30 s before
 * that, and a command worker isolate that read the pointer just before the switch may answer one request from it up
 * to a minute later (POINTER_STALE_MS in shared/rebuild/namespace.ts), so anything but 0 is at least
 * MIN_REBUILD_GRACE_SECONDS. 0 deletes at once (tests only).
 */
import { type Bindings, binding } from "../../../shared/config";
import { ConfigError } from "../../../shared/errors";

export const DEFAULT_REBUILD_GRACE_SECONDS = 600;

/** The shortest grace but 0: the pointer's stale limit (60 s), the fold's last 30 s and the longest request. */
export const MIN_REBUILD_GRACE_SECONDS = 120;

export function rebuildGraceMs(env: Bindings): number {
  const raw = binding(env, "REBUILD_GRACE_SECONDS");
  if (raw === undefined || raw === null || raw === "") return DEFAULT_REBUILD_GRACE_SECONDS * 1000;
  const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n > 86_400 || (n !== 0 && n < MIN_REBUILD_GRACE_SECONDS))
    throw new ConfigError(
      "REBUILD_GRACE_SECONDS",
      `must be an integer from ${MIN_REBUILD_GRACE_SECONDS} to 86400 (or 0, for tests only): a worker may read the ` +
        "namespace a rebuild replaced for up to a minute after the switch",
    );
  return n * 1000;
}
