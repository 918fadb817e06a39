/**
 * The application's error hierarchy. Domain errors carry a GraphQL-facing code; upstream errors name the
 * service and status; configuration errors name the binding. They are mapped to HTTP or GraphQL errors in
 * exactly one place per worker.
 */

export type Service = "redis" | "kafka" | "qstash";

/** A call to Redis, Kafka or QStash failed, timed out or answered something we cannot use. */
export class UpstreamError extends Error {
  /** Each subclass names itself, so a log line tells which failure it was. */
  override readonly name: string = "UpstreamError";
  constructor(
    readonly service: Service,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${service}: ${message}`, options);
  }
}

/**
 * A write went out and no answer came back (the connection dropped, or the time limit passed): the operation may
 * or may not have happened, so nothing that depends on it not having happened may be undone.
 */
export class UpstreamUnknownOutcomeError extends UpstreamError {
  override readonly name: string = "UpstreamUnknownOutcomeError";
  /** `status` is the HTTP status of an answer that did not settle the outcome (a 502, an unusable 2xx). */
  constructor(service: Service, message: string, options?: { cause?: unknown; status?: number }) {
    super(service, message, options?.status, options);
  }
}

/** The upstream did not answer within the time we allow on this path; the operation may or may not have happened. */
export class UpstreamTimeoutError extends UpstreamUnknownOutcomeError {
  override readonly name: string = "UpstreamTimeoutError";
  constructor(
    service: Service,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(service, `no answer within ${timeoutMs} ms`, options);
  }
}

/** A binding is missing or malformed. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly binding: string,
    message: string,
  ) {
    super(`configuration: ${binding} ${message}`);
  }
}
