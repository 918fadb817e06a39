/**
 * Redpanda's HTTP Proxy error answers: a body `{"error_code": N, "message": "..."}` whose code is either an HTTP
 * status (400-599) or a proxy code of five digits whose first three are the status (40002 is a 400, 40402 a 404,
 * 40801 a 408). Routes throw `ProxyError`; the server turns it into that body in one place.
 */

/** The proxy codes the emulator answers with (pandaproxy `reply_error_code`). */
export const PROXY_CODE = {
  kafkaBadRequest: 40002,
  kafkaAuthenticationError: 40101,
  partitionNotFound: 40402,
  serializationError: 40801,
  notAcceptable: 406,
  unsupportedMediaType: 415,
  unprocessableEntity: 422,
  kafkaRetriableError: 50003,
} as const;

/** The HTTP status Redpanda sends with an error code. */
export function statusOf(errorCode: number): number {
  return errorCode < 600 ? errorCode : Math.floor(errorCode / 100);
}

export class ProxyError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = "ProxyError";
  }

  get status(): number {
    return statusOf(this.errorCode);
  }
}

/** The body Redpanda answers an error with. */
export function errorBody(errorCode: number, message: string): { error_code: number; message: string } {
  return { error_code: errorCode, message };
}

/** A parameter problem, worded as pandaproxy words it. */
export function badParameter(message: string): ProxyError {
  return new ProxyError(PROXY_CODE.kafkaBadRequest, message);
}

/**
 * The shell's own errors (413, an injected failure, an internal error) as Redpanda would word them: a status
 * maps to the proxy code Redpanda gives that status (400 → 40002, 401 → 40101), others stay the status.
 */
export function shellErrorBody(status: number, message: string): { error_code: number; message: string } {
  const code =
    status === 400
      ? PROXY_CODE.kafkaBadRequest
      : status === 401
        ? PROXY_CODE.kafkaAuthenticationError
        : status;
  return errorBody(code, message);
}
