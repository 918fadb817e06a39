/**
 * The QStash v2 API surface: bearer authentication, then dispatch on the undecoded path. Refusals raised
 * as `QStashRequestError` become `{error}` answers with their status here, in one place.
 */
import { type EmulatorRequest, type EmulatorResponse, errorResponse, type Handler } from "../common/emulator";
import type { QStashState } from "./context";
import { QStashRequestError } from "./errors";
import { dlq } from "./routes/dlq";
import { flowControl } from "./routes/flow-control";
import * as manage from "./routes/manage";
import { messages } from "./routes/messages";
import { batch, ENQUEUE_PREFIX, enqueue, PUBLISH_PREFIX, publish } from "./routes/publish";
import { refusedRoute } from "./routes/refused";
import { SCHEDULES_PREFIX, schedules } from "./routes/schedules";

const COLLECTIONS: Record<string, manage.CollectionRoute> = {
  topics: manage.topics,
  keys: manage.keys,
  queues: manage.queues,
  messages,
  dlq,
  events: manage.events,
  schedules,
  flowControl,
};

function segments(rawPath: string): manage.Segments | undefined {
  return rawPath.startsWith("/v2/") ? rawPath.slice(4).split("/") : undefined;
}

/** Counts requests under route templates (`POST /v2/publish`, `GET /v2/topics/:name`) rather than raw paths. */
export function endpointName(req: EmulatorRequest): string {
  if (req.rawPath.startsWith(PUBLISH_PREFIX)) return `${req.method} /v2/publish`;
  if (req.rawPath.startsWith(ENQUEUE_PREFIX)) return `${req.method} /v2/enqueue`;
  if (req.rawPath.startsWith(SCHEDULES_PREFIX) && req.method === "POST") return "POST /v2/schedules";
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
  const collection = seg?.[0];
  if (seg === undefined || collection === undefined) return undefined;
  const handler = Object.hasOwn(COLLECTIONS, collection) ? COLLECTIONS[collection] : undefined;
  return handler ? handler(state, req, seg) : refusedRoute(collection, req.method, req.rawPath);
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
