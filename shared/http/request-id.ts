import type { MiddlewareHandler } from "hono";
import { requestId as honoRequestId } from "hono/request-id";

/** A caller's request id is kept when it is a plain token, so it is safe in logs and headers. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a plain token, else a new UUID. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && SANE_REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

/**
 * Hono's request-id middleware with our rule for the caller's id: hono's own check refuses `.` and `:`, which
 * trace ids use, so its generator falls back to the caller's id whenever that id is a plain token. The id is in
 * `c.var.requestId` and on every answer made through the context.
 */
export function requestId(): MiddlewareHandler {
  return honoRequestId({
    limitLength: 128,
    generator: (c) => requestIdFrom(c.req.header("x-request-id")),
  });
}
