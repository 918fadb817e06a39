/**
 * The routes of Redpanda's HTTP Proxy that the emulator serves, each named after the pandaproxy operation it
 * reproduces (src/v/pandaproxy/api/api-doc/rest.json). Parameters may be empty, so a missing topic answers
 * pandaproxy's "Missing mandatory parameter" rather than 404. Each route's pattern is the name its requests
 * are counted under.
 */
import type { RouteHandler } from "./context";
import { fetchRoute } from "./routes/fetch";
import { brokersRoute, topicsRoute } from "./routes/metadata";
import { produceRoute } from "./routes/produce";

interface Route {
  method: string;
  pattern: string;
  /** The pattern as a regular expression over the raw path; groups are the named parameters. */
  regex: RegExp;
  handler: RouteHandler;
}

const route = (method: string, pattern: string, handler: RouteHandler): Route => ({
  method,
  pattern,
  regex: new RegExp(`^${pattern.replace(/\{(\w+)\}/g, "(?<$1>[^/]*)")}$`),
  handler,
});

const ROUTES: readonly Route[] = [
  route("GET", "/brokers", brokersRoute), // get_brokers
  route("GET", "/topics", topicsRoute), // get_topics_names
  route("POST", "/topics/{topic}", produceRoute), // post_topics_name
  route("GET", "/topics/{topic}/partitions/{partition}/records", fetchRoute), // get_topics_records
];

export type RouteMatch =
  | { kind: "found"; name: string; handler: RouteHandler; params: Record<string, string> }
  | { kind: "wrong-method"; name: string; allowed: readonly string[] }
  | { kind: "not-found"; name: string };

export function matchRoute(method: string, rawPath: string): RouteMatch {
  const matching = ROUTES.filter((r) => r.regex.test(rawPath));
  const found = matching.find((r) => r.method === method);
  if (found) {
    const params = { ...(found.regex.exec(rawPath)?.groups ?? {}) };
    return { kind: "found", name: `${method} ${found.pattern}`, handler: found.handler, params };
  }
  const first = matching[0];
  if (first)
    return {
      kind: "wrong-method",
      name: `${method} ${first.pattern}`,
      allowed: matching.map((r) => r.method),
    };
  return { kind: "not-found", name: `${method} (no route)` };
}
