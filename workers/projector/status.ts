/**
 * `GET /status`: checkpoint, head and lag per partition, dead letters and stops (their raw values to an admin
 * only, admin.ts), and the rebuild part (the live namespace, a running rebuild's progress, the last one's outcome).
 * The public answer is read at most once every few seconds per isolate (shared/projection/status-cache.ts): it
 * costs a log request per partition and several Redis commands, and anyone may ask. An admin reads it afresh.
 */
import type { Context } from "hono";
import { adminToken } from "../../shared/config";
import { type ProjectionStatus, projectionStatus } from "../../shared/projection/status";
import { createStatusCache, type StatusCache } from "../../shared/projection/status-cache";
import type { RebuildStatus } from "../../shared/rebuild/port";
import { type PublicStatus, publicStatus, statusAccess } from "./admin";
import { onLive } from "./deps";
import type { ProjectorEnv } from "./shell";

/**
 * The `GET /status` handler, with the public answer's cache (one per app, so per isolate). Only a header that proves
 * ADMIN_TOKEN changes the answer: any other (a wrong token, another scheme, a token sent when none is bound) gets
 * the public answer, exactly as no header does, so that no answer tells a caller whether a token is bound or how
 * its guess fared.
 */
export function statusHandler(cache: StatusCache<PublicStatus & RebuildStatus> = createStatusCache()) {
  return async (c: Context<ProjectorEnv>): Promise<Response> => {
    const access = await statusAccess(c.req.header("authorization"), adminToken(c.env));
    if (access.kind === "admin") return c.json(await readStatus(c, (status) => status));
    return c.json(await cache.get("public", () => readStatus(c, publicStatus)));
  };
}

async function readStatus<T>(
  c: Context<ProjectorEnv>,
  shown: (status: ProjectionStatus) => T,
): Promise<T & RebuildStatus> {
  const live = await onLive(c.var.deps());
  const [projection, rebuild] = await Promise.all([
    projectionStatus(live.log, live.store),
    live.rebuild.status(live.namespace),
  ]);
  return { ...shown(projection), ...rebuild };
}
