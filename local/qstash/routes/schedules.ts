/**
 * Schedule routes (docs/protocols.md#management-routes): `POST /v2/schedules/{destination}` creates or replaces one (the
 * destination raw in the path, its query string the request's, as for publish), `GET /v2/schedules[/{id}]`,
 * `DELETE /v2/schedules/{id}`, `PATCH /v2/schedules/{id}/pause|resume`.
 */
import { type EmulatorRequest, type EmulatorResponse, json } from "../../common/emulator";
import type { QStashState } from "../context";
import { headerBagFromHttp } from "../publish/headers";
import { scheduleJson } from "../publish/schedules";
import { noQuery, type Segments } from "./manage";

export const SCHEDULES_PREFIX = "/v2/schedules/";

export function schedules(
  state: QStashState,
  req: EmulatorRequest,
  seg: Segments,
): EmulatorResponse | undefined {
  if (req.method === "POST" && req.rawPath.startsWith(SCHEDULES_PREFIX)) {
    const path = req.rawPath.slice(SCHEDULES_PREFIX.length);
    const destination = req.rawQuery === "" ? path : `${path}?${req.rawQuery}`;
    const schedule = state.schedules.create({
      destination,
      headers: headerBagFromHttp(req.headers),
      body: req.body,
      ...(req.remoteAddress !== undefined && { callerIp: req.remoteAddress }),
    });
    return json(200, { scheduleId: schedule.scheduleId });
  }
  noQuery(req);
  const [, id, action, extra] = seg;
  if (extra !== undefined) return undefined;
  if (id === undefined)
    return req.method === "GET" ? json(200, state.schedules.list().map(scheduleJson)) : undefined;
  if ((action === "pause" || action === "resume") && req.method === "PATCH") {
    state.schedules.setPaused(id, action === "pause");
    return json(200, {});
  }
  if (action !== undefined) return undefined;
  if (req.method === "GET") return json(200, scheduleJson(state.schedules.get(id)));
  if (req.method === "DELETE") {
    state.schedules.delete(id);
    return json(200, {});
  }
  return undefined;
}
