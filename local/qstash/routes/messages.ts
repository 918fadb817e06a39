/**
 * Message routes (docs/protocols.md#management-routes): `GET /v2/messages/{id}` shows a pending message,
 * `DELETE /v2/messages/{id}` cancels one, and `DELETE /v2/messages` cancels in bulk: the `messageIds` named,
 * or up to `count` (default 100) pending messages matching the filter, or all of them without one.
 */
import { type EmulatorRequest, type EmulatorResponse, json } from "../../common/emulator";
import type { QStashState } from "../context";
import { QStashRequestError } from "../errors";
import { CANCEL_FILTERS, countParam, parseFilter } from "../state/filters";
import { messagePayload } from "../state/message";
import type { Segments } from "./manage";

export function messages(
  state: QStashState,
  req: EmulatorRequest,
  seg: Segments,
): EmulatorResponse | undefined {
  const [, id, extra] = seg;
  if (extra !== undefined) return undefined;
  if (id === undefined) {
    if (req.method !== "DELETE") return undefined;
    const query = new URLSearchParams(req.rawQuery);
    const filter = parseFilter(query, CANCEL_FILTERS, "DELETE /v2/messages");
    const count = query.has("messageIds") ? Number.MAX_SAFE_INTEGER : countParam(query, 100, 1000);
    return json(200, { cancelled: state.scheduler.cancelMatching(filter, count) });
  }
  if (req.rawQuery !== "")
    throw new QStashRequestError(400, "/v2/messages/{messageId} takes no query parameters");
  const message = state.scheduler.get(id);
  if (!message) throw new QStashRequestError(404, `message ${id} not found`);
  if (req.method === "GET") return json(200, messagePayload(message));
  if (req.method === "DELETE") return json(200, { cancelled: state.scheduler.cancel(id) ? 1 : 0 });
  return undefined;
}
