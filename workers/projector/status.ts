/**
 * `GET /status`: checkpoint, head and lag per partition, dead letters and stops (their raw values to an admin
 * only, admin.ts), and the rebuild part (the live namespace, a running rebuild's progress, the last one's outcome).
 */
import type { Context } from "hono";
import { adminToken } from "../../shared/config";
import { projectionStatus } from "../../shared/projection/status";
import { publicStatus, statusAccess } from "./admin";
import { onLive } from "./deps";
import type { ProjectorEnv } from "./shell";

/**
 * Only a header that proves ADMIN_TOKEN changes the answer: any other (a wrong token, another scheme, a token sent
 * when none is bound) gets the public answer, exactly as no header does, so that no answer tells a caller whether a
 * token is bound or how its guess fared.
 */
export async function handleStatus(c: Context<ProjectorEnv>): Promise<Response> {
  const access = await statusAccess(c.req.header("authorization"), adminToken(c.env));
  const live = await onLive(c.var.deps());
  const [projection, rebuild] = await Promise.all([
    projectionStatus(live.log, live.store),
    live.rebuild.status(live.namespace),
  ]);
  const status = { ...projection, ...rebuild };
  return c.json(access.kind === "admin" ? status : { ...publicStatus(projection), ...rebuild });
}
