/**
 * `GET /status`: checkpoint, head and lag per partition, dead letters and stops (their raw values to an admin
 * only, admin.ts), and the rebuild part (the live namespace, a running rebuild's progress, the last one's outcome).
 */
import type { Context } from "hono";
import { adminToken } from "../../shared/config";
import { projectionStatus } from "../../shared/projection/status";
import { publicStatus, statusAccess } from "./admin";
import { onLive } from "./deps";
import { type ProjectorEnv, refuse } from "./shell";

export async function handleStatus(c: Context<ProjectorEnv>): Promise<Response> {
  const access = await statusAccess(c.req.header("authorization"), adminToken(c.env));
  if (access.kind === "refused") {
    return refuse(c, 401, "UNAUTHORIZED", access.reason, { headers: { "WWW-Authenticate": "Bearer" } });
  }
  const live = await onLive(c.var.deps());
  const [projection, rebuild] = await Promise.all([
    projectionStatus(live.log, live.store),
    live.rebuild.status(live.namespace),
  ]);
  const status = { ...projection, ...rebuild };
  return c.json(access.kind === "admin" ? status : { ...publicStatus(projection), ...rebuild });
}
