/**
 * Upstash's path-style commands for curl users (docs/protocols.md#path-style-commands); the official client never sends them.
 *
 *   curl -H "Authorization: Bearer $T" localhost:8079/set/foo/bar/EX/100     → SET foo bar EX 100
 *   curl -H "Authorization: Bearer $T" localhost:8079/get/foo                → GET foo
 *   curl -H "Authorization: Bearer $T" -d bar "localhost:8079/set/foo?EX=100" → SET foo bar EX 100
 *
 * Path segments are percent-decoded to bytes. With POST or PUT, a non-empty body is appended raw as the last
 * argument before the query string's arguments, which follow as `name` then `value` (when not empty).
 * `_token` in the query is the credential, never an argument.
 */
import { fromArgs, type ParsedCommand } from "./request-body";

function hex(code: number | undefined): number {
  if (code === undefined) return -1;
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Percent-decoding to bytes, so `%FF` is the byte 0xFF rather than an error as in decodeURIComponent. */
export function percentDecode(text: string): Buffer {
  const source = Buffer.from(text, "utf8");
  const out: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] ?? 0;
    const hi = byte === 0x25 ? hex(source[i + 1]) : -1;
    const lo = byte === 0x25 ? hex(source[i + 2]) : -1;
    if (hi !== -1 && lo !== -1) {
      out.push(hi * 16 + lo);
      i += 2;
    } else {
      out.push(byte);
    }
  }
  return Buffer.from(out);
}

export function pathStyleCommand(
  method: string,
  rawPath: string,
  rawQuery: string,
  body: Buffer,
): ParsedCommand {
  const segments = rawPath.slice(1).split("/");
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  const args = segments.map(percentDecode);
  if ((method === "POST" || method === "PUT") && body.length > 0) args.push(body);
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? "" : pair.slice(eq + 1);
    if (name === "_token") continue;
    args.push(percentDecode(name));
    if (value !== "") args.push(percentDecode(value));
  }
  return fromArgs(args);
}
