/**
 * RESP replies to Upstash REST JSON (docs/protocols.md#base64-answers), written as JSON text directly so that integers keep
 * their exact digits and bulk strings are encoded from their raw bytes.
 *
 * With `Upstash-Encoding: base64` every string at every depth is standard base64 of its bytes, status replies
 * included (PONG, TYPE's "string", OK inside arrays), except a top-level "OK" status, which stays raw as
 * Upstash sends it. Integers stay JSON numbers, nil stays null, `error` texts are never encoded.
 * Without the header, strings are UTF-8 (invalid bytes become U+FFFD).
 */
import type { RespReply } from "./resp";

export type ResponseEncoding = "base64" | "utf8";

function str(bytes: Buffer, encoding: ResponseEncoding): string {
  return JSON.stringify(encoding === "base64" ? bytes.toString("base64") : bytes.toString("utf8"));
}

/** The JSON text of a reply as a value (no `{error}` wrapping: that is only for top-level replies). */
function value(reply: RespReply, encoding: ResponseEncoding): string {
  switch (reply.type) {
    case "simple":
      return str(Buffer.from(reply.value, "utf8"), encoding);
    case "error":
      // An error nested in an array (a script returning an error table inside a table, say) cannot be an
      // `{error}` object there: the client turns nested objects into null. Keep its text as a string.
      return str(Buffer.from(reply.message, "utf8"), encoding);
    case "integer":
      return reply.value;
    case "bulk":
      return reply.value === null ? "null" : str(reply.value, encoding);
    case "array":
      return reply.value === null ? "null" : `[${reply.value.map((r) => value(r, encoding)).join(",")}]`;
    default: {
      const never: never = reply;
      throw new Error(`unknown reply ${JSON.stringify(never)}`);
    }
  }
}

/** `{"result":...}` for a reply, or `{"error":"..."}` when redis-server answered with an error. */
export function replyItem(reply: RespReply, encoding: ResponseEncoding): string {
  if (reply.type === "error") return errorItem(reply.message);
  if (reply.type === "simple" && reply.value === "OK") return '{"result":"OK"}';
  return `{"result":${value(reply, encoding)}}`;
}

export function errorItem(message: string): string {
  return JSON.stringify({ error: message });
}

/** A JSON array of items, as `/pipeline` and `/multi-exec` answer. */
export function itemList(items: readonly string[]): string {
  return `[${items.join(",")}]`;
}
