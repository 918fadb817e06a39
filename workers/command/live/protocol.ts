/**
 * The graphql-transport-ws protocol (the `graphql-ws` library's, which GraphiQL, Apollo and urql speak) as a list
 * hub runs it: every step is a pure function of a socket's session and one message, so the session can live in the
 * socket's attachment and survive the hub's hibernation whole. A socket is opened for one list (the capability its
 * URL names); it may subscribe to that list's `listChanged`, several times under different ids, and to nothing else.
 */
import {
  type DocumentNode,
  type ExecutionResult,
  executeSync,
  GraphQLError,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { CloseCode, type Message, MessageType, parseMessage, stringifyMessage } from "graphql-ws";
import type { Task } from "../../../shared/domain";
import { schema } from "../schema";

/** One subscription of a socket: the document and variables it was subscribed with. */
export interface Subscription {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** What a hub keeps about a socket, in the socket's attachment. */
export interface Session {
  /** The list's id: the hub's own. */
  listId: string;
  /** The capability the socket was opened with (the list's id or its view id): what its subscriptions must name. */
  capability: string;
  /** Whether `connection_init` was received (and acknowledged). */
  acked: boolean;
  /** When the socket was accepted (ms): a socket not initialised soon after is closed. */
  openedAt: number;
  /** Messages received in the current minute, and when that minute began (ms): a flood closes the socket. */
  received: { count: number; since: number };
  subscriptions: Record<string, Subscription>;
}

/** A change to a list as the subscription answers it. */
export interface ListChange {
  /** The consistency token of the position the change reflects; null on a subscription's opening message. */
  token: string | null;
  tasks: Task[];
  deleted: string[];
}

/**
 * What a subscription is sent the moment it is taken: nothing changed, no position. graphql-transport-ws never
 * acknowledges a subscribe, so without it a client could not know from when on a change reaches it, and its
 * catch-up read (made at the ack) could miss a change notified before the hub had the subscription.
 */
export const OPENING: ListChange = { token: null, tasks: [], deleted: [] };

/**
 * Bounds of a socket: its attachment must stay within what a hibernatable socket may carry (2,048 bytes), so a
 * socket holds a few short subscriptions; a longer document or more of them are refused with an error message.
 */
export const LIMITS = {
  attachmentBytes: 2000,
  subscriptions: 4,
  queryChars: 1000,
  messageChars: 4096,
  /** How long a socket may stay open without `connection_init`, as graphql-ws servers do by default. */
  initMs: 3000,
  /**
   * Messages a socket may send a minute (keep-alive pings are answered by the runtime and not counted): a client
   * sends a handful per subscription; each message wakes the hub, which is billed.
   */
  messagesPerMinute: 60,
} as const;

/** The result of one message: the session after it, what to send back, and whether to close the socket. */
export interface Outcome {
  session: Session;
  send: string[];
  close?: { code: number; reason: string };
}

const closeWith = (session: Session, code: number, reason: string): Outcome => ({
  session,
  send: [],
  close: { code, reason },
});

/** A new socket's session. */
export function openSession(listId: string, capability: string, now: number): Session {
  return {
    listId,
    capability,
    acked: false,
    openedAt: now,
    received: { count: 0, since: now },
    subscriptions: {},
  };
}

/** Steps the protocol by one message from the client, received at `now`. */
export function receive(before: Session, data: string | ArrayBuffer, now: number): Outcome {
  const fresh = now - before.received.since >= 60_000;
  const received = fresh
    ? { count: 1, since: now }
    : { ...before.received, count: before.received.count + 1 };
  const session = { ...before, received };
  if (received.count > LIMITS.messagesPerMinute)
    return closeWith(session, 1008, `Too many messages: at most ${LIMITS.messagesPerMinute} a minute`);
  if (typeof data !== "string" || data.length > LIMITS.messageChars)
    return closeWith(session, CloseCode.BadRequest, "Invalid message received");
  let message: Message;
  try {
    message = parseMessage(data);
  } catch {
    return closeWith(session, CloseCode.BadRequest, "Invalid message received");
  }
  switch (message.type) {
    case MessageType.ConnectionInit:
      if (session.acked)
        return closeWith(
          session,
          CloseCode.TooManyInitialisationRequests,
          "Too many initialisation requests",
        );
      return {
        session: { ...session, acked: true },
        send: [stringifyMessage({ type: MessageType.ConnectionAck })],
      };
    case MessageType.Ping:
      return { session, send: [stringifyMessage({ type: MessageType.Pong })] };
    case MessageType.Pong:
      return { session, send: [] };
    case MessageType.Subscribe: {
      if (!session.acked) return closeWith(session, CloseCode.Unauthorized, "Unauthorized");
      if (session.subscriptions[message.id])
        return closeWith(
          session,
          CloseCode.SubscriberAlreadyExists,
          `Subscriber for ${message.id} already exists`,
        );
      const refusal = check(session, message.payload);
      if (refusal) return { session, send: [errorMessage(message.id, refusal)] };
      const subscription: Subscription = {
        query: message.payload.query,
        ...(message.payload.variables && { variables: message.payload.variables }),
        ...(message.payload.operationName && { operationName: message.payload.operationName }),
      };
      const next = { ...session, subscriptions: { ...session.subscriptions, [message.id]: subscription } };
      if (Object.keys(next.subscriptions).length > LIMITS.subscriptions)
        return {
          session,
          send: [errorMessage(message.id, `at most ${LIMITS.subscriptions} subscriptions per socket`)],
        };
      if (JSON.stringify(next).length > LIMITS.attachmentBytes)
        return {
          session,
          send: [
            errorMessage(
              message.id,
              "the subscriptions of this socket are too long: send a shorter document",
            ),
          ],
        };
      return { session: next, send: [nextMessage(message.id, results(OPENING)(subscription))] };
    }
    case MessageType.Complete: {
      const { [message.id]: _gone, ...rest } = session.subscriptions;
      return { session: { ...session, subscriptions: rest }, send: [] };
    }
    default:
      // connection_ack, next and error travel from server to client only.
      return closeWith(session, CloseCode.BadRequest, `Unexpected message of type ${message.type} received`);
  }
}

function errorMessage(id: string, message: string): string {
  return stringifyMessage({ type: MessageType.Error, id, payload: [{ message }] });
}

const documents = new Map<string, DocumentNode>();
const DOCUMENTS_KEPT = 100;

/** The parsed document of a query, parsed once per hub instance (a hub serves few distinct documents). */
function documentOf(query: string): DocumentNode {
  let document = documents.get(query);
  if (!document) {
    document = parse(query, { maxTokens: 500 });
    if (documents.size >= DOCUMENTS_KEPT) documents.clear();
    documents.set(query, document);
  }
  return document;
}

/** Why a subscription is refused, or undefined when it is one this socket may run. */
function check(
  session: Session,
  payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
): string | undefined {
  if (payload.query.length > LIMITS.queryChars)
    return `the document is longer than ${LIMITS.queryChars} characters`;
  let document: DocumentNode;
  try {
    document = documentOf(payload.query);
  } catch (error) {
    return error instanceof GraphQLError ? error.message : "the document does not parse";
  }
  const invalid = validate(schema, document, specifiedRules);
  if (invalid[0]) return invalid[0].message;
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return "name the operation to run (operationName): the document has several";
  if (operation.operation !== "subscription")
    return `only subscriptions run over this socket: send a ${operation.operation} to /graphql over HTTP`;
  const listId = listIdOf(operation, payload.variables ?? undefined);
  if (typeof listId !== "string") return listId.error;
  if (listId !== session.capability)
    return "this socket was opened for another list: open a socket with ?listId=<the list you subscribe to>";
  return undefined;
}

/** The `listId` argument of the subscription's root field, its variables coerced. */
function listIdOf(
  operation: OperationDefinitionNode,
  inputs: Record<string, unknown> | undefined,
): string | { error: string } {
  const subscriptionType = schema.getSubscriptionType();
  const field = operation.selectionSet.selections[0];
  const definition = subscriptionType?.getFields().listChanged;
  if (!definition || field?.kind !== Kind.FIELD || field.name.value !== "listChanged")
    return { error: "subscribe to listChanged" };
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], inputs ?? {});
  if (variables.errors) return { error: variables.errors[0]?.message ?? "the variables do not coerce" };
  try {
    const args = getArgumentValues(definition, field, variables.coerced);
    return typeof args.listId === "string" ? args.listId : { error: "listId must be given" };
  } catch (error) {
    return { error: error instanceof Error ? error.message : "the arguments do not coerce" };
  }
}

/** What the subscriptions of every socket are sent for a change: one result per distinct subscription. */
export function results(change: ListChange) {
  const done = new Map<string, ExecutionResult>();
  return (subscription: Subscription): ExecutionResult => {
    const key = JSON.stringify([subscription.query, subscription.variables, subscription.operationName]);
    let result = done.get(key);
    if (!result) {
      result = executeSync({
        schema,
        document: documentOf(subscription.query),
        rootValue: { listChanged: change },
        ...(subscription.variables && { variableValues: subscription.variables }),
        ...(subscription.operationName && { operationName: subscription.operationName }),
      });
      done.set(key, result);
    }
    return result;
  };
}

/** The `next` message of a subscription's result. */
export function nextMessage(id: string, result: ExecutionResult): string {
  return stringifyMessage({ type: MessageType.Next, id, payload: result });
}
