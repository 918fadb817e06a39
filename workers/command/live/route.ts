/**
 * The command worker's side of live updates: a WebSocket upgrade of /graphql, checked (rate limit, subprotocol, the
 * list's capability) and handed to the list's hub; and POST /live, where the projector says which tasks of which
 * lists an applied batch changed, passed on to those lists' hubs. A socket refused is accepted and closed at once
 * with a code and a reason, which WebSocket clients show (an HTTP refusal of an upgrade reaches them as nothing more
 * than a failed connection).
 */
import type { Context } from "hono";
import { binding } from "../../../shared/config";
import { bearerToken, sameSecret } from "../../../shared/http/secret";
import { NO_LIST, openScope } from "../access";
import type { CommandDeps } from "../deps";
import type { CommandEnv } from "../env";
import { GraphQLRequestError } from "../graphql";
import { rateLimits } from "../rate-limits";
import { InvalidArgumentError, NotFoundError } from "../service-errors";
import { HUB_HEADERS, hubOf, hubs } from "./wire";

type C = Context<CommandEnv>;

const PROTOCOL = "graphql-transport-ws";

/** A socket accepted only to be closed with `code` and `reason` (at most 123 bytes). */
function refused(code: number, reason: string, offeredProtocol: boolean): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(code, reason);
  return new Response(null, {
    status: 101,
    webSocket: client,
    ...(offeredProtocol && { headers: { "sec-websocket-protocol": PROTOCOL } }),
  });
}

/** A WebSocket upgrade of /graphql: checked, then handed to the hub of the list its URL names. */
export async function upgrade(c: C, deps: CommandDeps): Promise<Response> {
  if (c.req.method !== "GET")
    return c.json({ error: "a WebSocket upgrade is a GET", code: "BAD_REQUEST" }, 400);
  try {
    await rateLimits.request?.(c);
  } catch (err) {
    if (err instanceof GraphQLRequestError)
      return c.json({ error: err.message, code: err.code }, err.status, err.headers);
    throw err;
  }
  const namespace = hubs(c.env);
  // Without the secret the projector's notices carry, nothing would ever reach a socket: refused, so a client
  // knows to read the list instead (the app then says it is not live and looks now and then).
  const secret = binding(c.env, "LIVE_SECRET");
  if (!namespace || typeof secret !== "string" || secret === "")
    return c.json(
      {
        error: "live updates are off on this deployment (LIST_HUB and LIVE_SECRET are not both bound)",
        code: "NOT_IMPLEMENTED",
      },
      501,
    );
  const offered = (c.req.header("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  if (!offered.includes(PROTOCOL)) return refused(4406, `Subprotocol not acceptable: use ${PROTOCOL}`, false);
  const capability = new URL(c.req.url).searchParams.get("listId");
  if (!capability) return refused(4400, "Add ?listId=<the list's id or viewId> to the socket's URL", true);
  let listId: string;
  try {
    // The list opened with one look (its registry entry, one round trip), as a read opens it.
    const projection = await deps.live();
    const scope = await openScope({ ...deps, ...projection }, undefined, capability);
    if (scope.kind !== "list") throw new NotFoundError(NO_LIST, "listId");
    listId = scope.listId;
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof InvalidArgumentError)
      return refused(4403, "Forbidden: no list has this id (a list is reached only with its link)", true);
    throw err;
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set(HUB_HEADERS.list, listId);
  headers.set(HUB_HEADERS.capability, capability);
  const accepted = await hubOf(namespace, listId).fetch(new Request(c.req.url, { method: "GET", headers }));
  // A response from another object has immutable headers: copied, so the security headers can be added.
  return new Response(accepted.body, {
    status: accepted.status,
    headers: new Headers(accepted.headers),
    ...(accepted.webSocket && { webSocket: accepted.webSocket }),
  });
}

/** The most lists and tasks one notification names: a batch's (the projector's batch size is at most 5,000). */
const MAX_NOTICE_TASKS = 5000;

/** POST /live: the projector's notice of an applied batch, `Authorization: Bearer <LIVE_SECRET>`. */
export async function notice(c: C): Promise<Response> {
  const secret = binding(c.env, "LIVE_SECRET");
  const namespace = hubs(c.env);
  if (typeof secret !== "string" || secret === "" || !namespace)
    return c.json(
      { error: "live updates are off on this deployment (LIVE_SECRET, LIST_HUB)", code: "NOT_FOUND" },
      404,
    );
  const given = bearerToken(c.req.header("authorization"));
  if (given === undefined || !(await sameSecret(given, secret)))
    return c.json(
      { error: "POST /live needs Authorization: Bearer <LIVE_SECRET>", code: "UNAUTHENTICATED" },
      401,
    );
  const body = parseNotice(await c.req.json().catch(() => undefined));
  if (!body)
    return c.json(
      { error: "a notice is {namespace, token, lists: {listId: [taskId]}}", code: "BAD_REQUEST" },
      400,
    );
  await Promise.all(
    Object.entries(body.lists).map(([listId, taskIds]) => {
      return hubOf(namespace, listId).notify({ namespace: body.namespace, token: body.token, taskIds });
    }),
  );
  return c.body(null, 204);
}

function parseNotice(
  raw: unknown,
): { namespace: string; token: string; lists: Record<string, string[]> } | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const { namespace, token, lists } = raw as Record<string, unknown>;
  if (typeof namespace !== "string" || typeof token !== "string" || !lists || typeof lists !== "object")
    return undefined;
  let count = 0;
  for (const ids of Object.values(lists)) {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) return undefined;
    count += ids.length;
  }
  return count <= MAX_NOTICE_TASKS
    ? { namespace, token, lists: lists as Record<string, string[]> }
    : undefined;
}
