/**
 * What the HTTP adapters of the log share about a request that got no answer: its time limit passed, or the
 * connection failed. A write may have been applied all the same, so it is an unknown outcome (a timeout is one
 * too, with its limit); for a read it is a plain upstream failure.
 */
import { type Service, UpstreamError, UpstreamTimeoutError, UpstreamUnknownOutcomeError } from "../errors";

/** The error for `err`, thrown by `fetch` (or by reading the body) for the request `what`. */
export function noAnswer(
  service: Service,
  request: { what: string; write: boolean; limitMs: number },
  err: unknown,
): UpstreamError {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return new UpstreamTimeoutError(service, request.limitMs, { cause: err });
  }
  const message = `${request.what} failed: ${err instanceof Error ? err.message : String(err)}`;
  return request.write
    ? new UpstreamUnknownOutcomeError(service, message, { cause: err })
    : new UpstreamError(service, message, undefined, { cause: err });
}
