/**
 * Management routes: URL groups, signing keys, queues and events (docs/protocols.md#management-routes). Paths are matched on undecoded
 * segments; names are restricted to `[A-Za-z0-9._-]`, so nothing needs decoding.
 */
import { type EmulatorRequest, type EmulatorResponse, json } from "../../common/emulator";
import type { QStashState } from "../context";
import { badRequest } from "../errors";
import type { NamedStore } from "../state/named-store";
import type { Queue } from "../state/queues";
import { parseEndpointList, parseEndpointsToAdd, type UrlGroup } from "../state/url-groups";

/** Segments after `/v2/`, e.g. `["topics", "g1", "endpoints"]`. */
export type Segments = string[];

/** The routes of one collection (`/v2/topics/...`); undefined when none of them matches. */
export type CollectionRoute = (
  state: QStashState,
  req: EmulatorRequest,
  seg: Segments,
) => EmulatorResponse | undefined;

const ok = (): EmulatorResponse => json(200, {});

/** Refuses a query string on a route that reads none, so that no parameter is silently ignored. */
export function noQuery(req: EmulatorRequest): void {
  const name = new URLSearchParams(req.rawQuery).keys().next().value;
  if (name !== undefined)
    throw badRequest(`unsupported query parameter "${name}" on ${req.method} ${req.rawPath}`);
}

/**
 * `/v2/<things>[/{name}[/{action}]]` of a route that reads no query: the name and the action, or undefined when
 * the path is longer (no such route).
 */
function namedPath(req: EmulatorRequest, seg: Segments): { name?: string; action?: string } | undefined {
  noQuery(req);
  const [, name, action, extra] = seg;
  return extra === undefined ? { name, action } : undefined;
}

/** `GET` or `DELETE /v2/<things>/{name}`: the item as `toJson` shows it, or the item deleted. */
function itemRoute<T>(
  req: EmulatorRequest,
  store: NamedStore<T>,
  name: string,
  toJson: (item: T) => unknown,
): EmulatorResponse | undefined {
  if (req.method === "GET") return json(200, toJson(store.get(name)));
  if (req.method !== "DELETE") return undefined;
  store.delete(name);
  return ok();
}

function groupJson(g: UrlGroup): Record<string, unknown> {
  return { name: g.name, createdAt: g.createdAt, updatedAt: g.updatedAt, endpoints: g.endpoints };
}

export const topics: CollectionRoute = (state, req, seg) => {
  const path = namedPath(req, seg);
  if (!path) return undefined;
  const { name, action: sub } = path;
  if (name === undefined)
    return req.method === "GET" ? json(200, state.groups.list().map(groupJson)) : undefined;
  if (sub === "endpoints" && req.method === "POST") {
    state.groups.addEndpoints(name, parseEndpointsToAdd(req.body));
    return ok();
  }
  if (sub === "endpoints" && req.method === "DELETE") {
    state.groups.removeEndpoints(name, parseEndpointList(req.body));
    return ok();
  }
  return sub === undefined ? itemRoute(req, state.groups, name, groupJson) : undefined;
};

export function keys(state: QStashState, req: EmulatorRequest, seg: Segments): EmulatorResponse | undefined {
  noQuery(req);
  if (seg.length === 1 && req.method === "GET") return json(200, state.keys.toJSON());
  if (seg[1] === "rotate" && seg.length === 2 && req.method === "POST") return json(200, state.keys.rotate());
  return undefined;
}

function queueJson(state: QStashState, q: Queue): Record<string, unknown> {
  const { name, createdAt, updatedAt, parallelism, paused } = q;
  return { name, createdAt, updatedAt, parallelism, lag: state.scheduler.pendingIn(name), paused };
}

function parseQueueUpsert(body: Buffer): { name: string; parallelism?: number; paused?: boolean } {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw badRequest("invalid JSON body: expected {queueName, parallelism?, paused?}");
  }
  const { queueName, parallelism, paused, ...rest } = parsed ?? {};
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw badRequest(`unsupported field "${unknown}" in the queue body`);
  if (typeof queueName !== "string") throw badRequest("queueName must be a string");
  if (parallelism !== undefined && (!Number.isInteger(parallelism) || (parallelism as number) < 1)) {
    throw badRequest("parallelism must be a positive integer");
  }
  if (paused !== undefined && typeof paused !== "boolean") throw badRequest("paused must be a boolean");
  return {
    name: queueName,
    ...(parallelism !== undefined && { parallelism: parallelism as number }),
    ...(paused !== undefined && { paused }),
  };
}

export const queues: CollectionRoute = (state, req, seg) => {
  const path = namedPath(req, seg);
  if (!path) return undefined;
  const { name, action } = path;
  if (name === undefined) {
    if (req.method === "GET")
      return json(
        200,
        state.queues.list().map((q) => queueJson(state, q)),
      );
    if (req.method !== "POST") return undefined;
    const { name: queueName, ...settings } = parseQueueUpsert(req.body);
    state.queues.upsert(queueName, settings);
    return ok();
  }
  if ((action === "pause" || action === "resume") && req.method === "POST") {
    state.queues.get(name);
    state.queues.upsert(name, { paused: action === "pause" });
    return ok();
  }
  return action === undefined ? itemRoute(req, state.queues, name, (q) => queueJson(state, q)) : undefined;
};

export function events(
  state: QStashState,
  req: EmulatorRequest,
  seg: Segments,
): EmulatorResponse | undefined {
  if (seg.length !== 1 || req.method !== "GET") return undefined;
  return json(200, state.events.list(new URLSearchParams(req.rawQuery)));
}
