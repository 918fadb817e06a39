/**
 * The projector's HTTP shell: its Hono env, its logger, and the one place where errors and refusals become
 * answers. Every answer carries an `x-request-id` (the caller's when it is a sane token, else a new UUID) and every
 * refusal or failure is one log line with it. Failure bodies never carry an upstream's or the runtime's own
 * message: the log line has it.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { Bindings } from "../../shared/config";
import { ConfigError, UpstreamError } from "../../shared/errors";
import { createLogger, errorFields } from "../../shared/http/log";
import { refuser } from "../../shared/http/refuse";
import type { ProjectorDeps } from "./deps";

/**
 * The bindings are read only through the config readers, which check every value they read, so the app takes any
 * bindings object (a test's plain record too). `deps()` builds the adapters at first use in a request, so routes
 * that need none answer when the worker is misconfigured.
 */
export type ProjectorEnv = {
  Bindings: Bindings;
  Variables: { requestId: string; deps: () => ProjectorDeps };
};

/** The projector's log lines; `log.with({ requestId })` for those of one request. */
export const log = createLogger("projector");

export const refuse = refuser("projector");

/** 405 for a known route asked with another method. */
export const wrongMethod = <E extends ProjectorEnv>(c: Context<E>, allow: string, what?: string): Response =>
  refuse(c, 405, "METHOD_NOT_ALLOWED", `${what ?? new URL(c.req.url).pathname} only accepts ${allow}`, {
    headers: { Allow: allow },
  });

/** An upstream that failed is a 503 naming the service; a missing binding a 500 naming it; anything else a 500. */
export const onError: ErrorHandler<ProjectorEnv> = (err, c) => {
  if (err instanceof UpstreamError) {
    return refuse(c, 503, "UNAVAILABLE", `a backing service is unavailable (${err.service}); retry later`, {
      detail: { service: err.service, cause: err.message },
    });
  }
  if (err instanceof ConfigError) return refuse(c, 500, "MISCONFIGURED", err.message);
  return refuse(c, 500, "INTERNAL_SERVER_ERROR", "internal error", { detail: { cause: errorFields(err) } });
};

export const notFound: NotFoundHandler<ProjectorEnv> = (c) =>
  refuse(c, 404, "NOT_FOUND", `no route ${c.req.method} ${new URL(c.req.url).pathname}`);

/** A 503 for folds that failed on some partitions: QStash retries the poke, the others were folded. */
export const foldFailed = <E extends ProjectorEnv>(
  c: Context<E>,
  failed: { services: string; partitions: number[] },
  detail: Record<string, unknown> = {},
): Response =>
  refuse(c, 503, "UNAVAILABLE", `a backing service is unavailable (${failed.services}); retry later`, {
    detail: { failedPartitions: failed.partitions, ...detail },
  });
