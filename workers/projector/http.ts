/**
 * The projector's HTTP plumbing: a request id on every answer, one JSON log line per refused or failed request,
 * and a body reader that stops at the limit.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ProjectorEnv } from "./app";
import { logStep } from "./log";

/** Keeps the caller's request id when it is a plain token (so it is safe in logs and headers), else a new UUID. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : crypto.randomUUID();
}

/**
 * Answers `{ error, code }` with `status` and logs it as one JSON line with the request id (`detail` goes to the
 * log only). A 5xx body also carries the request id, so an operator can find the line.
 */
export function refuse(
  c: Context<ProjectorEnv>,
  status: ContentfulStatusCode,
  code: string,
  error: string,
  options: { detail?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Response {
  const requestId = c.get("requestId");
  logStep("projector", status >= 500 ? "request failed" : "request refused", {
    level: status >= 500 ? "error" : "info",
    requestId,
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    status,
    code,
    error,
    ...options.detail,
  });
  const body = status >= 500 ? { error, code, requestId } : { error, code };
  return c.json(body, status, options.headers);
}
