/**
 * Node's HTTP request and response as the emulators' shell reads and writes them: the body read up to a limit,
 * the request target kept byte for byte beside its parsed URL, and an answer's body encoded by its type.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorRequest, EmulatorResponse } from "./http-message";

/** A request the shell refuses before any handler sees it. */
export interface Refusal {
  refused: { status: number; message: string };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function splitTarget(target: string): { rawPath: string; rawQuery: string } {
  const q = target.indexOf("?");
  return q === -1
    ? { rawPath: target, rawQuery: "" }
    : { rawPath: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

/**
 * Reads the whole request; a body over `maxBody` bytes (413) or a target that is no URL path (400) is refused.
 * After a 413, the caller drains the rest of the body (`req.resume()`) once it has sent the answer.
 */
export async function readRequest(req: IncomingMessage, maxBody: number): Promise<EmulatorRequest | Refusal> {
  const target = req.url ?? "/";
  const { rawPath, rawQuery } = splitTarget(target);
  const body = await readBody(req, maxBody);
  if (body === undefined) {
    return { refused: { status: 413, message: `request body larger than ${maxBody} bytes` } };
  }
  let url: URL;
  try {
    url = new URL(target.startsWith("/") ? target : `/${target}`, "http://emulator");
  } catch {
    return { refused: { status: 400, message: `invalid request target ${JSON.stringify(target)}` } };
  }
  return {
    method: req.method ?? "GET",
    url,
    rawPath,
    rawQuery,
    headers: req.headers,
    body,
    ...(req.socket.remoteAddress !== undefined && {
      remoteAddress: req.socket.remoteAddress.replace(/^::ffff:/, ""),
    }),
  };
}

/** Writes an answer: a Buffer or string as is, anything else as JSON, with its length. */
export function send(res: ServerResponse, out: EmulatorResponse): void {
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  let payload: Buffer | undefined;
  if (out.body === undefined) {
    payload = undefined;
  } else if (Buffer.isBuffer(out.body)) {
    payload = out.body;
  } else if (typeof out.body === "string") {
    payload = Buffer.from(out.body, "utf8");
    headers["content-type"] ??= "text/plain; charset=utf-8";
  } else {
    payload = Buffer.from(JSON.stringify(out.body), "utf8");
    headers["content-type"] ??= "application/json";
  }
  if (payload) headers["content-length"] = String(payload.length);
  res.writeHead(out.status, headers);
  res.end(payload);
}
