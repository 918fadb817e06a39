/**
 * A destination for QStash deliveries that records every request, for the emulator's contract tests.
 * Answers are programmable per request (status, headers, body, delay), and it tracks how many requests
 * were in flight at once (per path) to observe flow control.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Unix ms when the request arrived. */
  receivedAt: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Hold the answer this long (ms). */
  delayMs?: number;
}

/** Decides the answer for the `index`-th request (0-based) to the same path. */
export type Responder = (req: RecordedRequest, index: number) => Answer;

export interface RecordingDestination {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  requests: RecordedRequest[];
  /** Replaces how requests to `path` (default: every path) are answered; the default answer is 200 "ok". */
  respond(responder: Responder, path?: string): void;
  /** Requests received for a path (query ignored). */
  requestsTo(path: string): RecordedRequest[];
  /** The most requests to `path` that were in flight at the same moment. */
  maxConcurrent(path: string): number;
  /** Resolves when `count` requests have reached `path` (rejects after `timeoutMs`). */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const pathOf = (target: string) => target.split("?")[0] ?? target;

export async function startRecordingDestination(): Promise<RecordingDestination> {
  const requests: RecordedRequest[] = [];
  const responders = new Map<string | undefined, Responder>();
  const active = new Map<string, number>();
  const peak = new Map<string, number>();
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = req.url ?? "/";
      const path = pathOf(target);
      const record: RecordedRequest = {
        method: req.method ?? "GET",
        target,
        headers: req.headers,
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      const index = requests.filter((r) => pathOf(r.target) === path).length;
      requests.push(record);
      const now = (active.get(path) ?? 0) + 1;
      active.set(path, now);
      peak.set(path, Math.max(peak.get(path) ?? 0, now));
      for (const wake of waiters) wake();
      const responder = responders.get(path) ?? responders.get(undefined);
      const answer = responder ? responder(record, index) : { status: 200, body: "ok" };
      setTimeout(() => {
        active.set(path, (active.get(path) ?? 1) - 1);
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? "");
      }, answer.delayMs ?? 0);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const requestsTo = (path: string) => requests.filter((r) => pathOf(r.target) === path);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (responder, path) => responders.set(path, responder),
    requestsTo,
    maxConcurrent: (path) => peak.get(path) ?? 0,
    waitFor(path, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const got = requestsTo(path);
          if (got.length < count) return;
          cleanup();
          resolve(got);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} requests to ${path}, got ${requestsTo(path).length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
