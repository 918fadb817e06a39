/**
 * The projector's rate limit, per client address (shared/http/rate-limit.ts): each request to a route that reads
 * the projection for a caller (`/status`) or takes an admin token (`/rebuild`) spends one token of REQUEST_LIMITER
 * before it runs. The QStash webhook is not behind it: QStash sends from addresses all its customers share, so a
 * limit by address would throttle everyone's pokes together; its gate is the signature, and a forged poke costs one
 * bounded body read and one HMAC, about what this check costs. `/health` reads nothing and is not counted either.
 */
import { createMiddleware } from "hono/factory";
import { clientKey, RATE_LIMIT_PERIOD_SECONDS, rateLimiter, spend } from "../../shared/http/rate-limit";
import { type ProjectorEnv, refuse } from "./shell";

/** 429 with `Retry-After` over the limit; a missing binding is MISCONFIGURED naming it (the app's error handler). */
export const rateLimited = createMiddleware<ProjectorEnv>(async (c, next) => {
  const limiter = rateLimiter(c.env, "REQUEST_LIMITER");
  if (!(await spend(limiter, clientKey(c.req.header("cf-connecting-ip")), 1))) {
    return refuse(
      c,
      429,
      "RATE_LIMITED",
      `too many requests from your address: wait ${RATE_LIMIT_PERIOD_SECONDS} s and try again`,
      { headers: { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) } },
    );
  }
  await next();
});
