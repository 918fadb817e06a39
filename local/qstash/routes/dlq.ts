/**
 * DLQ routes (docs/protocols.md#management-routes): `GET /v2/dlq` lists, `DELETE /v2/dlq/{id}` removes one (404 when
 * absent), `DELETE /v2/dlq` and `POST /v2/dlq/retry` act on entries chosen by `dlqIds`, by filter, or all
 * (no filter), at most `count` per call (default 100), answering a cursor while more remain.
 */
import { type EmulatorRequest, type EmulatorResponse, json } from "../../common/emulator";
import type { QStashState } from "../context";
import { QStashRequestError } from "../errors";
import { type DlqPage, dlqPayload } from "../state/dlq";
import { countParam, DLQ_FILTERS, parseFilter } from "../state/filters";
import { newMessage } from "../state/message";
import type { Segments } from "./manage";

const DEFAULT_BULK = 100;
const MAX_BULK = 1000;

/** Entries for a bulk action: every named id, or up to `count` matching the filter (all without one). */
function chosen(state: QStashState, req: EmulatorRequest, where: string): DlqPage {
  const query = new URLSearchParams(req.rawQuery);
  const filter = parseFilter(query, DLQ_FILTERS, where);
  const count = query.has("dlqIds") ? MAX_BULK : countParam(query, DEFAULT_BULK, MAX_BULK);
  // What a bulk action handled leaves the DLQ, so the next call starts over: the cursor only says "more".
  const page = state.dlq.select(filter, count);
  return page.cursor === undefined ? page : { ...page, cursor: "0" };
}

/** Publishes a dead letter again as a new message (same target, headers and body) and drops the entry. */
function retry(state: QStashState, page: DlqPage): EmulatorResponse {
  const responses = page.entries.map((entry) => {
    const { messageId: _old, createdAt: _c, notBefore: _n, retried: _r, state: _s, ...init } = entry.message;
    const message = newMessage(init);
    state.dlq.delete(entry.dlqId);
    state.scheduler.add(message);
    return { messageId: message.messageId };
  });
  return json(200, { responses, ...(page.cursor !== undefined && { cursor: page.cursor }) });
}

export function dlq(state: QStashState, req: EmulatorRequest, seg: Segments): EmulatorResponse | undefined {
  const [, id, extra] = seg;
  if (extra !== undefined) return undefined;
  if (id === "retry" && req.method === "POST") return retry(state, chosen(state, req, "POST /v2/dlq/retry"));
  if (id === undefined && req.method === "GET") {
    const query = new URLSearchParams(req.rawQuery);
    const filter = parseFilter(query, DLQ_FILTERS, "GET /v2/dlq");
    const page = state.dlq.select(filter, countParam(query, DEFAULT_BULK, MAX_BULK), query.get("cursor"));
    return json(200, {
      messages: page.entries.map(dlqPayload),
      ...(page.cursor !== undefined && { cursor: page.cursor }),
    });
  }
  if (id === undefined && req.method === "DELETE") {
    const page = chosen(state, req, "DELETE /v2/dlq");
    const deleted = page.entries.filter((e) => state.dlq.delete(e.dlqId)).length;
    return json(200, { deleted, ...(page.cursor !== undefined && { cursor: page.cursor }) });
  }
  if (id !== undefined && req.method === "DELETE") {
    if (req.rawQuery !== "")
      throw new QStashRequestError(400, "DELETE /v2/dlq/{dlqId} takes no query parameters");
    if (!state.dlq.delete(id)) throw new QStashRequestError(404, `dlq message ${id} not found`);
    return json(200, { deleted: 1 });
  }
  return undefined;
}
