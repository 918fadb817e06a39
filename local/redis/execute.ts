/**
 * Runs parsed commands against redis-server with the semantics of the three Upstash endpoints
 * (docs/protocols.md#upstash-redis-rest) and returns the HTTP status and JSON text to answer with. Transport failures are
 * not caught here: a RedisUnavailableError propagates so the HTTP layer can answer 503.
 */
import type { RedisClient } from "./client";
import { errorItem, itemList, type ResponseEncoding, replyItem } from "./encode";
import { refusal } from "./refused";
import type { ParsedCommand } from "./request-body";
import type { RespReply } from "./resp";

export interface Outcome {
  status: number;
  /** JSON text. */
  body: string;
}

/** The command's bytes, or the error that stops it from being sent (bad argument or refused command). */
function check(command: ParsedCommand): { args: Buffer[] } | { error: string } {
  if (!command.ok) return { error: command.error };
  const refused = refusal(command.args);
  return refused === undefined ? { args: command.args } : { error: refused };
}

/** `POST /`: the reply as `{result}`; a Redis error is a 400 `{error}` (docs/protocols.md#a-single-command). */
export async function runSingle(
  client: RedisClient,
  command: ParsedCommand,
  encoding: ResponseEncoding,
): Promise<Outcome> {
  const checked = check(command);
  if ("error" in checked) return { status: 400, body: errorItem(checked.error) };
  const [reply] = await client.send([checked.args]);
  if (!reply) throw new Error("redis-server returned no reply");
  return { status: reply.type === "error" ? 400 : 200, body: replyItem(reply, encoding) };
}

/**
 * `POST /pipeline`: one item per command, in order, HTTP 200 even when items fail (docs/protocols.md#pipelines). Commands that
 * cannot be sent become error items; the others go to redis-server in one write, not atomically.
 */
export async function runPipeline(
  client: RedisClient,
  commands: readonly ParsedCommand[],
  encoding: ResponseEncoding,
): Promise<Outcome> {
  const checked = commands.map(check);
  const sendable = checked.flatMap((c) => ("args" in c ? [c.args] : []));
  const replies = await client.send(sendable);
  let next = 0;
  const items = checked.map((c) => {
    if ("error" in c) return errorItem(c.error);
    const reply = replies[next++];
    if (!reply) throw new Error("redis-server returned fewer replies than commands");
    return replyItem(reply, encoding);
  });
  return { status: 200, body: itemList(items) };
}

function discarded(index: number, reason: string): Outcome {
  return {
    status: 400,
    body: errorItem(`ERR Transaction discarded (EXECABORT): command ${index + 1} failed: ${reason}`),
  };
}

/**
 * `POST /multi-exec`: MULTI, the commands and EXEC written contiguously on one connection (docs/protocols.md#transactions).
 * Execution-time errors are items of a 200 answer; a transaction discarded before it ran (a refused
 * command, a bad argument, or a command redis-server rejects while queueing) is a 400 `{error}`, because
 * a 2xx with an object crashes the client.
 */
export async function runMultiExec(
  client: RedisClient,
  commands: readonly ParsedCommand[],
  encoding: ResponseEncoding,
): Promise<Outcome> {
  const args: Buffer[][] = [];
  for (const [i, command] of commands.entries()) {
    const checked = check(command);
    if ("error" in checked) return discarded(i, checked.error);
    args.push(checked.args);
  }
  const replies = await client.send([[Buffer.from("MULTI")], ...args, [Buffer.from("EXEC")]]);
  const queueError = replies.slice(1, -1).findIndex((r) => r.type === "error");
  const queued = replies[queueError + 1];
  if (queueError !== -1 && queued?.type === "error") return discarded(queueError, queued.message);
  const exec: RespReply | undefined = replies[replies.length - 1];
  if (exec?.type === "error") return { status: 400, body: errorItem(exec.message) };
  if (exec?.type !== "array" || exec.value === null) {
    return { status: 400, body: errorItem("ERR Transaction aborted (EXEC returned nil)") };
  }
  return { status: 200, body: itemList(exec.value.map((r) => replyItem(r, encoding))) };
}
