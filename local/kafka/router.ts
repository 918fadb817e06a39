/**
 * The Upstash Kafka REST routes. Path segments are matched raw and exactly: the client does not encode its
 * segments, so a group id containing "/" yields an extra segment, which must not silently become another route
 * (see docs/protocols.md#consumer-groups). Each route's pattern is also the name its requests
 * are counted under.
 */
import type { RouteHandler } from "./context";
import { consumeRoute, consumeTopicRoute } from "./routes/consume";
import { fetchRoute } from "./routes/fetch";
import { commitRoute, committedRoute, deleteConsumerRoute } from "./routes/group-offsets";
import { consumersRoute, topicsRoute } from "./routes/metadata";
import { offsetsRoute } from "./routes/offsets";
import { produceFromPathRoute, produceRoute, produceToTopicRoute } from "./routes/produce";

interface Route {
  methods: readonly string[];
  /** Literal segments, and `:name` for a parameter (never empty). */
  pattern: readonly string[];
  handler: RouteHandler;
}

const route = (methods: string, path: string, handler: RouteHandler): Route => ({
  methods: methods.split("|"),
  pattern: path.slice(1).split("/"),
  handler,
});

/** Producing: the records in the body, or the topic (and one message) in the path. */
const PRODUCE: readonly Route[] = [
  route("GET|POST", "/produce", produceRoute),
  route("GET|POST", "/produce/:topic", produceToTopicRoute),
  route("GET|POST", "/produce/:topic/:message", produceFromPathRoute),
];

/** Reading at an offset, with no consumer group, and the cluster's metadata. */
const READ: readonly Route[] = [
  route("POST", "/fetch", fetchRoute),
  route("POST", "/offsets/:timestamp", offsetsRoute),
  route("GET", "/topics", topicsRoute),
  route("GET", "/consumers", consumersRoute),
];

/** Consumer groups: reading from the committed positions, and committing them. */
const GROUPS: readonly Route[] = [
  route("POST", "/consume/:group/:instance", consumeRoute),
  route("GET", "/consume/:group/:instance/:topic", consumeTopicRoute),
  route("POST", "/commit/:group/:instance", commitRoute),
  route("POST", "/committed/:group/:instance", committedRoute),
  route("POST|DELETE", "/delete-consumer/:group/:instance", deleteConsumerRoute),
];

const ROUTES: readonly Route[] = [...PRODUCE, ...READ, ...GROUPS];

export type RouteMatch =
  | { kind: "found"; name: string; handler: RouteHandler; params: Record<string, string> }
  | { kind: "wrong-method"; name: string; allowed: readonly string[] }
  | { kind: "not-found"; name: string };

function matchPattern(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? "";
    if (part.startsWith(":")) {
      if (segment === "") return undefined;
      params[part.slice(1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

export function matchRoute(method: string, rawPath: string): RouteMatch {
  const segments = rawPath.slice(1).split("/");
  for (const r of ROUTES) {
    const params = matchPattern(r.pattern, segments);
    if (!params) continue;
    const name = `${method} /${r.pattern.join("/")}`;
    if (!r.methods.includes(method)) return { kind: "wrong-method", name, allowed: r.methods };
    return { kind: "found", name, handler: r.handler, params };
  }
  return { kind: "not-found", name: `${method} (no route)` };
}
