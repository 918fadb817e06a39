/**
 * The one way a worker turns a request away or reports a failed one: `{ error, code }` with the status, and one
 * log line with the request id (`detail` goes to the log only, never to the caller). A 5xx body also carries the
 * request id, so an operator can find the line; a 5xx is logged at level error.
 */
import type { Context, Env } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { logLine, type Worker } from "./log";
import "./request-id";

export interface RefusalOptions {
  /** Fields for the log line only: the cause, the upstream service, the partitions that failed. */
  detail?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export type Refuse = <E extends Env>(
  c: Context<E>,
  status: ContentfulStatusCode,
  code: string,
  error: string,
  options?: RefusalOptions,
) => Response;

/** The refusal function of `worker`, usable with any Hono env that runs the `requestId()` middleware. */
export function refuser(worker: Worker): Refuse {
  return (c, status, code, error, options = {}) => {
    const requestId: string = c.get("requestId");
    const failed = status >= 500;
    logLine(worker, failed ? "error" : "info", failed ? "request failed" : "request refused", {
      requestId,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status,
      code,
      error,
      ...options.detail,
    });
    return c.json(failed ? { error, code, requestId } : { error, code }, status, options.headers);
  };
}
