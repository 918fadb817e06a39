/**
 * RESP2, the wire format of redis-server, reduced to what a pass-through front end needs: commands are
 * encoded as arrays of bulk strings, and replies are parsed into a typed tree that keeps the raw bytes
 * of bulk strings and the exact digits of integers. Nothing here knows what a command means.
 */

export type RespReply =
  | { type: "simple"; value: string }
  | { type: "error"; message: string }
  /** `value` is the integer's decimal text exactly as sent (Redis integers are 64-bit, wider than a JS number). */
  | { type: "integer"; value: string }
  | { type: "bulk"; value: Buffer | null }
  | { type: "array"; value: RespReply[] | null };

/** The stream from redis-server is not valid RESP2: the connection cannot be trusted any more. */
export class RespProtocolError extends Error {
  override name = "RespProtocolError";
}

const CRLF = Buffer.from("\r\n");

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    parts.push(Buffer.from(`$${arg.length}\r\n`), arg, CRLF);
  }
  return Buffer.concat(parts);
}

/** Encodes several commands back to back, for a single socket write. */
export function encodeCommands(commands: readonly (readonly Buffer[])[]): Buffer {
  return Buffer.concat(commands.map(encodeCommand));
}

interface OpenArray {
  items: RespReply[];
  remaining: number;
}

/** A unit is one header line plus, for bulk strings, its payload; arrays are assembled on a stack. */
type Unit =
  | { kind: "leaf"; reply: RespReply; next: number }
  | { kind: "array"; length: number; next: number }
  | { kind: "incomplete"; need: number };

/**
 * Incremental parser: feed it chunks as they arrive and it returns every top-level reply completed so far.
 * It consumes whole units only, so a reply split across many chunks is never re-parsed from its start,
 * and a large bulk string is concatenated once, when all of its bytes are there.
 */
export class RespParser {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = 1;
  private readonly stack: OpenArray[] = [];

  feed(chunk: Buffer): RespReply[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.need) return [];
    let buf = this.chunks.length === 1 && this.chunks[0] ? this.chunks[0] : Buffer.concat(this.chunks);
    const done: RespReply[] = [];
    let pos = 0;
    for (;;) {
      const unit = readUnit(buf, pos);
      if (unit.kind === "incomplete") {
        this.need = unit.need - pos;
        break;
      }
      pos = unit.next;
      let reply: RespReply | undefined;
      if (unit.kind === "array") {
        if (unit.length === 0) reply = { type: "array", value: [] };
        else this.stack.push({ items: [], remaining: unit.length });
      } else {
        reply = unit.reply;
      }
      while (reply) {
        const top = this.stack[this.stack.length - 1];
        if (!top) {
          done.push(reply);
          reply = undefined;
          break;
        }
        top.items.push(reply);
        top.remaining -= 1;
        if (top.remaining > 0) {
          reply = undefined;
        } else {
          this.stack.pop();
          reply = { type: "array", value: top.items };
        }
      }
    }
    buf = buf.subarray(pos);
    this.chunks = buf.length > 0 ? [buf] : [];
    this.buffered = buf.length;
    return done;
  }
}

function readLine(buf: Buffer, pos: number): { line: string; next: number } | undefined {
  const end = buf.indexOf(CRLF, pos);
  if (end === -1) return undefined;
  return { line: buf.toString("latin1", pos + 1, end), next: end + 2 };
}

function parseLength(line: string, what: string): number {
  if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`invalid ${what} length ${JSON.stringify(line)}`);
  const n = Number(line);
  if (n < -1) throw new RespProtocolError(`invalid ${what} length ${line}`);
  return n;
}

function readUnit(buf: Buffer, pos: number): Unit {
  if (pos >= buf.length) return { kind: "incomplete", need: pos + 1 };
  const header = readLine(buf, pos);
  if (!header) return { kind: "incomplete", need: buf.length + 1 };
  const { line, next } = header;
  const marker = buf[pos];
  switch (marker) {
    case 0x2b: // '+'
      return {
        kind: "leaf",
        reply: { type: "simple", value: buf.toString("utf8", pos + 1, next - 2) },
        next,
      };
    case 0x2d: // '-'
      return {
        kind: "leaf",
        reply: { type: "error", message: buf.toString("utf8", pos + 1, next - 2) },
        next,
      };
    case 0x3a: // ':'
      if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`invalid integer ${JSON.stringify(line)}`);
      return { kind: "leaf", reply: { type: "integer", value: line }, next };
    case 0x24: {
      // '$'
      const length = parseLength(line, "bulk");
      if (length === -1) return { kind: "leaf", reply: { type: "bulk", value: null }, next };
      const end = next + length;
      if (buf.length < end + 2) return { kind: "incomplete", need: end + 2 };
      if (buf[end] !== 0x0d || buf[end + 1] !== 0x0a)
        throw new RespProtocolError("bulk string not terminated");
      // Copy: the reply outlives the chunk it was cut from, which the parser drops.
      return {
        kind: "leaf",
        reply: { type: "bulk", value: Buffer.from(buf.subarray(next, end)) },
        next: end + 2,
      };
    }
    case 0x2a: {
      // '*'
      const length = parseLength(line, "array");
      if (length === -1) return { kind: "leaf", reply: { type: "array", value: null }, next };
      return { kind: "array", length, next };
    }
    default:
      throw new RespProtocolError(`unexpected reply type byte 0x${(marker ?? 0).toString(16)}`);
  }
}
