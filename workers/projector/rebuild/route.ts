/**
 * `POST /rebuild`: starts rebuilding the projection from the log beside the live one (see start.ts). Admin only:
 * 404 when no ADMIN_TOKEN is bound (the route does not exist then), 401 without the token; 202 with the new
 * namespace, or 409 naming the rebuild already running.
 */
import type { Context } from "hono";
import { adminToken } from "../../../shared/config";
import { statusAccess } from "../admin";
import { log, type ProjectorEnv, refuse, wrongMethod } from "../shell";
import { startRebuild } from "./start";

export async function handleRebuild(c: Context<ProjectorEnv>): Promise<Response> {
  const token = adminToken(c.env);
  if (token === undefined)
    return refuse(c, 404, "NOT_FOUND", "no route: rebuilding is off (no ADMIN_TOKEN bound)");
  if (c.req.method !== "POST") return wrongMethod(c, "POST");
  const authorization = c.req.header("authorization");
  const access = await statusAccess(authorization, token);
  if (authorization === undefined || access.kind !== "admin") {
    const reason = access.kind === "refused" ? access.reason : 'send "Authorization: Bearer <ADMIN_TOKEN>"';
    return refuse(c, 401, "UNAUTHORIZED", reason, { headers: { "WWW-Authenticate": "Bearer" } });
  }
  const answer = await startRebuild(c.var.deps(), log.with({ requestId: c.var.requestId }));
  if (!answer.started) {
    return c.json(
      {
        error: "a rebuild is already running",
        code: "CONFLICT",
        namespace: answer.running,
        state: "running",
      },
      409,
    );
  }
  return c.json({ namespace: answer.namespace, state: "running" }, 202);
}
