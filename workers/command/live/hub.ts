/**
 * A list's hub: the Durable Object that holds the sockets subscribed to one list (one hub per list, named by the
 * list's id) through the WebSocket Hibernation API, so an idle subscriber costs no duration: the object may sleep
 * with its sockets open, and each socket's session (protocol state and subscriptions) is in its attachment, so a
 * wake-up loses nothing. The projector tells the hub which of the list's tasks an applied batch changed (through the
 * command worker's /live route); the hub reads them as they are now, once for all its sockets, opens their words
 * with the list's key, and sends the change to every subscription, one notification after the other, in order.
 */
import { DurableObject } from "cloudflare:workers";
import { GRAPHQL_TRANSPORT_WS_PROTOCOL, MessageType, stringifyMessage } from "graphql-ws";
import { redisConfig } from "../../../shared/config";
import type { Task } from "../../../shared/domain";
import { createLogger, errorFields } from "../../../shared/http/log";
import { createRedisListRegistry } from "../../../shared/lists/redis/registry";
import { createRedisReadModel } from "../../../shared/projection/redis/read-model";
import { connectRedis } from "../../../shared/redis/client";
import { cipherOf, openTask } from "../sealing";
import {
  LIMITS,
  type ListChange,
  nextMessage,
  openSession,
  receive,
  results,
  type Session,
} from "./protocol";
import { HUB_HEADERS, type HubMethods, type HubNotice, PURGED } from "./wire";

const log = createLogger("command", { component: "list-hub" });

export class ListHub extends DurableObject<Cloudflare.Env> implements HubMethods {
  /** Notifications are applied one after the other, so a later state is never sent before an earlier one. */
  private queue: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    // A client's keep-alive ping is answered by the runtime without waking the object: an idle subscriber that
    // pings every few seconds costs no duration.
    ctx.setWebSocketAutoResponse(
      new WebSocketRequestResponsePair(
        stringifyMessage({ type: MessageType.Ping }),
        stringifyMessage({ type: MessageType.Pong }),
      ),
    );
  }

  override async fetch(request: Request): Promise<Response> {
    const listId = request.headers.get(HUB_HEADERS.list);
    const capability = request.headers.get(HUB_HEADERS.capability);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !listId || !capability)
      return new Response("a list hub takes WebSocket upgrades from the command worker only", {
        status: 400,
      });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(openSession(listId, capability, Date.now()));
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + LIMITS.initMs);
    return new Response(null, {
      status: 101,
      webSocket: client,
      headers: { "sec-websocket-protocol": GRAPHQL_TRANSPORT_WS_PROTOCOL },
    });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const session = sessionOf(ws);
    if (!session) return ws.close(4500, "Internal server error");
    const outcome = receive(session, data, Date.now());
    for (const message of outcome.send) ws.send(message);
    if (outcome.close) return ws.close(outcome.close.code, outcome.close.reason);
    ws.serializeAttachment(outcome.session);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    // Answer the client's close (1005, "no status", cannot be sent back: close normally instead).
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "");
    } catch {
      // Already closed.
    }
  }

  /** Closes the sockets that did not initialise in time (graphql-ws's connection initialisation timeout). */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let waiting = false;
    for (const ws of this.ctx.getWebSockets()) {
      const session = sessionOf(ws);
      if (!session || session.acked) continue;
      if (now - session.openedAt >= LIMITS.initMs) ws.close(4408, "Connection initialisation timeout");
      else waiting = true;
    }
    if (waiting) await this.ctx.storage.setAlarm(now + LIMITS.initMs);
  }

  /** A batch changed these tasks of the list: send them, as they are now, to every subscription. */
  async notify(notice: HubNotice): Promise<void> {
    const run = this.queue.then(() => this.deliver(notice));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The list was purged: its sockets are closed, and say why. */
  async purged(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) ws.close(PURGED.code, PURGED.reason);
  }

  private async deliver(notice: HubNotice): Promise<void> {
    // A socket whose client is going (closing, its close not yet answered) is sent nothing: a send would throw.
    const sockets = this.ctx
      .getWebSockets()
      .filter((ws) => ws.readyState === WebSocket.READY_STATE_OPEN)
      .map((ws) => ({ ws, session: sessionOf(ws) }))
      .filter(({ session }) => session && Object.keys(session.subscriptions).length > 0);
    const first = sockets[0]?.session;
    if (!first) return;
    const change = await readChange(this.env, first.listId, notice);
    if (!change) return;
    const resultOf = results(change);
    for (const { ws, session } of sockets) {
      if (!session) continue;
      for (const [id, subscription] of Object.entries(session.subscriptions)) {
        try {
          ws.send(nextMessage(id, resultOf(subscription)));
        } catch (err) {
          log.error("live update not sent to a socket", { error: errorFields(err) });
        }
      }
    }
  }
}

function sessionOf(ws: WebSocket): Session | undefined {
  const attached: unknown = ws.deserializeAttachment();
  return attached && typeof attached === "object" ? (attached as Session) : undefined;
}

/**
 * The tasks of the notice as they are now, in the namespace the projector folded them into: the active ones on the
 * list, with their words opened; the others (deleted, or gone with a purge) as deleted ids. One round trip for the
 * states and the list's key (the client pipelines them). Undefined when the list was purged.
 */
async function readChange(
  env: Cloudflare.Env,
  listId: string,
  notice: HubNotice,
): Promise<ListChange | undefined> {
  const redis = redisConfig(env);
  const client = connectRedis(redis);
  const store = createRedisReadModel(client, notice.namespace);
  const [opened, states] = await Promise.all([
    createRedisListRegistry(client, redis.prefix).open(listId),
    Promise.all(notice.taskIds.map((id) => store.task(id))),
  ]);
  if (opened?.mode === "purged") return undefined;
  const cipher = opened ? cipherOf({ kind: "list", listId, mode: "view", record: opened.list }) : undefined;
  const tasks: Task[] = [];
  const deleted: string[] = [];
  for (const [i, state] of states.entries()) {
    const id = notice.taskIds[i];
    if (id === undefined) continue;
    if (state.status !== "active") deleted.push(id);
    else if (state.task.listId === listId) tasks.push(await openTask(cipher, state.task));
  }
  return { token: notice.token, tasks, deleted };
}
