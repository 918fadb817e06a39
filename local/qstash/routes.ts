/**
 * The QStash v2 API surface: bearer authentication, then dispatch on the undecoded path. Refusals raised
 * as `QStashRequestError` become `{error}` answers with their status here, in one place.
 */
import { type EmulatorRequest, type EmulatorResponse, errorResponse, type Handler } from "../common/emulator";
import { QStashRequestError } from "./errors";
import * as manage from "./routes-manage";
import { batch, ENQUEUE_PREFIX, enqueue, PUBLISH_PREFIX, publish } from "./routes-publish";
import type { QStashState } from "./state";

type Route = (state: QStashState, req: EmulatorRequest, seg: manage.Segments) => EmulatorResponse | undefined;

const COLLECTIONS: Record<string, Route> = {
  topics: manage.topics,
  keys: manage.keys,
  queues: manage.queues,
  messages: manage.messages,
  dlq: manage.dlq,
  events: manage.events,
};

function segments(rawPath: string): manage.Segments | undefined {
  return rawPath.startsWith("/v2/") ? rawPath.slice(4).split("/") : undefined;
}

/** Counts requests under route templates (`POST /v2/publish`, `GET /v2/topics/:name`) rather than raw paths. */
export function endpointName(req: EmulatorRequest): string {
  if (req.rawPath.startsWith(PUBLISH_PREFIX)) return `${req.method} /v2/publish`;
  if (req.rawPath.startsWith(ENQUEUE_PREFIX)) return `${req.method} /v2/enqueue`;
  const seg = segments(req.rawPath);
  if (!seg || seg[0] === "keys") return `${req.method} ${req.rawPath}`;
  const template = seg.map((s, i) => (i === 1 ? ":id" : s));
  return `${req.method} /v2/${template.join("/")}`;
}

function authorized(state: QStashState, req: EmulatorRequest): boolean {
  return req.headers.authorization === `Bearer ${state.token}`;
}

function route(state: QStashState, req: EmulatorRequest): EmulatorResponse | undefined {
  if (req.rawPath.startsWith(PUBLISH_PREFIX)) return req.method === "POST" ? publish(state, req) : undefined;
  if (req.rawPath.startsWith(ENQUEUE_PREFIX)) return req.method === "POST" ? enqueue(state, req) : undefined;
  if (req.rawPath === "/v2/batch") return req.method === "POST" ? batch(state, req) : undefined;
  const seg = segments(req.rawPath);
  const handler = seg?.[0] === undefined ? undefined : COLLECTIONS[seg[0]];
  return seg && handler ? handler(state, req, seg) : undefined;
}

export function createHandler(state: QStashState): Handler {
  return (req) => {
    if (!authorized(state, req)) {
      return errorResponse(401, "unauthorized: send Authorization: Bearer <QSTASH_TOKEN>");
    }
    try {
      return route(state, req) ?? errorResponse(404, `no such QStash endpoint: ${req.method} ${req.rawPath}`);
    } catch (err) {
      if (err instanceof QStashRequestError) return errorResponse(err.status, err.message);
      throw err;
    }
  };
}
