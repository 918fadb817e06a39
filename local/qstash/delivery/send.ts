/** One HTTP request to a destination, made with node:http so that forwarded headers reach it unchanged. */

import { setMaxListeners } from "node:events";
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface OutgoingAttempt {
  url: string;
  method: string;
  /** Header name (as sent) → value; the caller has already resolved case-insensitive duplicates. */
  headers: Record<string, string>;
  /** Undefined sends no body at all (GET). */
  body?: Buffer;
  timeoutMs: number;
}

export interface AttemptResult {
  status?: number;
  headers?: IncomingHttpHeaders;
  /** The first `MAX_KEPT_BODY` bytes of the response. */
  body?: Buffer;
  /** Set when no response was received: network error, timeout, abort. */
  error?: string;
}

const MAX_KEPT_BODY = 64 * 1024;

/** Connection pools owned by one emulator, destroyed when it stops. */
export class Destinations {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https = new HttpsAgent({ keepAlive: true });
  private readonly controller = (() => {
    // Every delivery in flight listens on this one signal (aborted on close): more than Node's default 10 is normal.
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    return c;
  })();

  /** Sends the request; never throws (failures come back as `error`). */
  send(attempt: OutgoingAttempt): Promise<AttemptResult> {
    return new Promise<AttemptResult>((resolve) => {
      let url: URL;
      try {
        url = new URL(attempt.url);
      } catch {
        resolve({ error: `invalid url ${attempt.url}` });
        return;
      }
      const secure = url.protocol === "https:";
      const headers = { ...attempt.headers };
      if (attempt.body !== undefined) headers["Content-Length"] = String(attempt.body.length);
      let settled = false;
      const done = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: attempt.method,
          headers,
          agent: secure ? this.https : this.http,
          signal: this.controller.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on("data", (chunk: Buffer) => {
            if (kept >= MAX_KEPT_BODY) return;
            chunks.push(chunk.subarray(0, MAX_KEPT_BODY - kept));
            kept += chunk.length;
          });
          res.on("end", () =>
            done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", (err) => done({ error: err.message }));
          // A connection cut mid-body (timeout, abort) may end with "close" and no "end".
          res.on("close", () => {
            if (!res.complete) done({ error: "connection closed before the response ended" });
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new Error(`no response within ${attempt.timeoutMs} ms`));
      }, attempt.timeoutMs);
      req.on("error", (err) => done({ error: err.message }));
      req.end(attempt.body);
    });
  }

  /** Aborts requests in flight and closes pooled connections. */
  close(): void {
    this.controller.abort();
    this.http.destroy();
    this.https.destroy();
  }
}
