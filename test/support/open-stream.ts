/**
 * A request whose body is streamed (chunked, no Content-Length) and never ends by itself: the client writes `bytes`
 * bytes, then holds the stream open until the server answers. An answer can therefore only come from a server
 * that refuses the body once a limit is crossed, never from one that reads it to its end, and the client stays
 * able to read that answer: it writes nothing the server leaves unread, so the server's close is never a reset.
 * (A client that keeps writing past the limit races the server's close: its next write may meet the reset.)
 */
import { request as httpRequest, type IncomingMessage } from "node:http";

export interface OpenStreamAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface OpenStreamRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** How many bytes to write before holding the stream open. */
  bytes: number;
  /** How long to wait for the answer once everything is written. */
  timeoutMs?: number;
}

const CHUNK = 8 * 1024;

export function sendOpenStream(options: OpenStreamRequest): Promise<OpenStreamAnswer> {
  const { url, method = "POST", headers = {}, bytes, timeoutMs = 10_000 } = options;
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, "transfer-encoding": "chunked" } });
    const timer = setTimeout(() => {
      req.destroy();
      reject(
        new Error(`no answer ${timeoutMs} ms after writing ${bytes} bytes of a body that had not ended`),
      );
    }, timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("error", reject);
      res.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        const answerHeaders = headersOf(res);
        resolve({
          status: res.statusCode ?? 0,
          headers: answerHeaders,
          text: Buffer.concat(parts).toString("utf8"),
        });
      });
    });
    for (let left = bytes; left > 0; left -= CHUNK) req.write(Buffer.alloc(Math.min(left, CHUNK), 0x20));
  });
}

export interface TrickleRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** What to send first, at once (e.g. the start of a JSON body). */
  start: string;
  /** Pause between the one-byte writes that follow. */
  everyMs: number;
  /** How long to wait for the answer in all. */
  timeoutMs?: number;
}

/**
 * A slow client: sends `start`, then one space every `everyMs`, chunked, never ending the body, until the server
 * answers (or `timeoutMs` passes). Only a server with a deadline on reading bodies answers it; the answer is read
 * whole, as `sendOpenStream` reads it. Answers also how many bytes were written.
 */
export function sendTrickle(options: TrickleRequest): Promise<OpenStreamAnswer & { written: number }> {
  const { url, method = "POST", headers = {}, start, everyMs, timeoutMs = 60_000 } = options;
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, "transfer-encoding": "chunked" } });
    let written = Buffer.byteLength(start);
    let answered = false;
    const drip = setInterval(() => {
      if (answered) return;
      req.write(" ");
      written++;
    }, everyMs);
    const stop = () => {
      answered = true;
      clearInterval(drip);
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      stop();
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to a body trickled one byte every ${everyMs} ms`));
    }, timeoutMs);
    req.on("error", (error) => {
      stop();
      reject(error);
    });
    req.on("response", (res) => {
      stop();
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("error", reject);
      res.on("end", () => {
        req.destroy();
        const answerHeaders = headersOf(res);
        resolve({
          status: res.statusCode ?? 0,
          headers: answerHeaders,
          text: Buffer.concat(parts).toString("utf8"),
          written,
        });
      });
    });
    req.write(start);
  });
}

/** A Node response's headers as fetch's `Headers` (repeated ones joined). */
function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}
