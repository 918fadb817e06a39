/**
 * The Upstash Redis REST front end (docs/protocols.md#upstash-redis-rest) over a real redis-server: it parses the JSON
 * commands, forwards them over RESP, and encodes the replies; redis-server does all of the Redis work.
 *
 * Routes:
 * - `POST /`            one command as a JSON array (docs/protocols.md#a-single-command)
 * - `POST /pipeline`    a list of commands, one item each, not atomic (docs/protocols.md#pipelines); the client's hot path
 * - `POST /multi-exec`  the same, atomically as MULTI..EXEC (docs/protocols.md#transactions)
 * - `GET|HEAD|POST|PUT /{command}/{args...}`  path-style commands for curl users (see path-style.ts)
 * - `OPTIONS *`         CORS preflight
 * - `/__emulator/commands`  (admin) counts of commands per name, e.g. to see EVALSHA fall back to EVAL
 * Pub/sub over SSE (`/subscribe`, `/psubscribe`) and `/monitor` are not implemented: 404.
 */
import {
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../common/emulator";
import { RedisClient } from "./client";
import { RedisUnavailableError } from "./connection";
import { type Outcome, runMultiExec, runPipeline, runSingle } from "./execute";
import { isAuthorized, jsonError, jsonText, preflight } from "./http";
import { pathStyleCommand } from "./path-style";
import { type ParsedBody, parseList, parseSingle } from "./request-body";

export interface RedisRestOptions {
  port: number;
  /** Default 127.0.0.1 (and ::1 when free). */
  host?: string;
  /** The bearer token every request must carry. */
  token: string;
  /** Where redis-server listens. */
  redis: { host: string; port: number };
  /** Default 2000 ms: how long a request waits for a connection before it gets a 503. */
  connectTimeoutMs?: number;
}

const NOT_IMPLEMENTED = /^\/(subscribe|psubscribe)(\/|$)|^\/monitor\/?$/;

/** Names requests for the emulator's per-endpoint counters: `POST /`, `POST /pipeline`, `POST /multi-exec`, ... */
function endpointOf(req: EmulatorRequest): string {
  if (req.method === "OPTIONS") return "OPTIONS";
  if (req.rawPath === "/" || req.rawPath === "/pipeline" || req.rawPath === "/multi-exec") {
    return `${req.method} ${req.rawPath}`;
  }
  return `${req.method} /{command}`;
}

function commandNames(parsed: ParsedBody): string[] {
  if (!parsed.ok) return [];
  return parsed.commands.flatMap((c) =>
    c.ok && c.args[0] ? [c.args[0].toString("latin1").toUpperCase()] : [],
  );
}

/**
 * Starts the front end (name "redis-rest"). It connects to redis-server lazily, per request, so it can start
 * before redis-server and keeps working across redis-server restarts; while redis-server is unreachable,
 * requests get a quick 503 `{error: "redis-server unavailable: ..."}`.
 */
export async function startRedisRest(opts: RedisRestOptions): Promise<RunningEmulator> {
  const client = new RedisClient({
    host: opts.redis.host,
    port: opts.redis.port,
    connectTimeoutMs: opts.connectTimeoutMs ?? 2000,
  });
  const commandCounts = new Map<string, number>();
  // Upstash returns an opaque read-your-writes token (docs/protocols.md#the-sync-token); a counter of answered requests imitates it.
  let syncToken = 0;

  async function answer(req: EmulatorRequest): Promise<EmulatorResponse> {
    const path = req.rawPath;
    if (NOT_IMPLEMENTED.test(path)) {
      return jsonError(404, `${path} (pub/sub and monitor over server-sent events) is not implemented here`);
    }
    const listRoute = path === "/pipeline" || path === "/multi-exec";
    if ((path === "/" || listRoute) && req.method !== "POST") {
      return jsonError(405, `${req.method} is not allowed on ${path}; use POST`, { allow: "POST, OPTIONS" });
    }
    if (!["GET", "HEAD", "POST", "PUT"].includes(req.method)) {
      return jsonError(405, `${req.method} is not allowed`, { allow: "GET, HEAD, POST, PUT, OPTIONS" });
    }
    if (!isAuthorized(req, opts.token)) {
      return jsonError(401, "Unauthorized: missing or wrong token (send Authorization: Bearer <token>)");
    }
    const format = req.headers["upstash-response-format"];
    if (format !== undefined && format !== "json") {
      return jsonError(
        400,
        `Upstash-Response-Format ${JSON.stringify(format)} is not supported here; use json`,
      );
    }
    const encoding =
      String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64" ? "base64" : "utf8";

    const parsed: ParsedBody =
      path === "/"
        ? parseSingle(req.body)
        : listRoute
          ? parseList(req.body)
          : { ok: true, commands: [pathStyleCommand(req.method, path, req.rawQuery, req.body)] };
    if (!parsed.ok) return jsonError(400, parsed.error);
    for (const name of commandNames(parsed)) commandCounts.set(name, (commandCounts.get(name) ?? 0) + 1);

    let outcome: Outcome;
    try {
      if (path === "/pipeline") outcome = await runPipeline(client, parsed.commands, encoding);
      else if (path === "/multi-exec") outcome = await runMultiExec(client, parsed.commands, encoding);
      else {
        const [command] = parsed.commands;
        if (!command) return jsonError(400, "ERR no command given");
        outcome = await runSingle(client, command, encoding);
      }
    } catch (err) {
      if (err instanceof RedisUnavailableError)
        return jsonError(503, `redis-server unavailable: ${err.message}`);
      throw err;
    }
    syncToken += 1;
    const response = jsonText(outcome.status, outcome.body, { "upstash-sync-token": String(syncToken) });
    return req.method === "HEAD" ? { ...response, body: undefined } : response;
  }

  const emulator = await startEmulator(
    {
      name: "redis-rest",
      endpoint: endpointOf,
      handle: (req) => (req.method === "OPTIONS" ? preflight(req) : answer(req)),
      admin: (req, sub) => {
        if (sub !== "commands") return undefined;
        if (req.method === "DELETE") commandCounts.clear();
        const sorted = [...commandCounts.entries()].sort(([a], [b]) => a.localeCompare(b));
        return { status: 200, body: { commands: Object.fromEntries(sorted) } };
      },
    },
    { port: opts.port, host: opts.host },
  );
  return {
    ...emulator,
    async close() {
      client.close();
      await emulator.close();
    },
  };
}
