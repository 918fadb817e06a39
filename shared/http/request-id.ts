import type { MiddlewareHandler } from "hono";

/** A caller's request id is kept when it is a plain token, so it is safe in logs and headers. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a plain token, else a new UUID. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && SANE_REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

/**
 * Puts the request id in `c.var.requestId` and on every answer, a Response a handler built itself included.
 * Hono's own `requestId` middleware does not fit: its rule for a caller's id admits `=` and refuses the `.` and
 * `:` that trace ids use, and it sets the header before the handler runs, so an answer the handler builds as a
 * plain Response goes out without it.
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const id = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", id);
    await next();
    c.header("x-request-id", id);
  };
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by the `requestId()` middleware on every request. */
    requestId: string;
  }
}
