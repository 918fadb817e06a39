/**
 * The projector's routes: `POST /projection` is the QStash webhook (signature first, then the poke's way,
 * poke.ts), `GET /status` shows checkpoint, head and lag per partition (status.ts), `GET /health` answers when
 * the worker is up, `POST /rebuild` starts a rebuild (rebuild/route.ts). Bindings are read only by the routes that
 * need them, so a misconfigured projector still answers /health and turns away what it would turn away anyway.
 */
import { Hono } from "hono";
import { requestId } from "../../shared/http/request-id";
import { securityHeaders } from "../../shared/http/security-headers";
import { depsFromBindings, type ProjectorDeps, type ProjectorOptions } from "./deps";
import { handlePoke } from "./poke";
import { rateLimited } from "./rate-limit";
import { handleRebuild } from "./rebuild/route";
import { notFound, onError, type ProjectorEnv, wrongMethod } from "./shell";
import { signedPoke } from "./signed-poke";
import { statusHandler } from "./status";

export function createProjectorApp({ deps = depsFromBindings }: ProjectorOptions = {}) {
  const app = new Hono<ProjectorEnv>();
  app.use(requestId());
  app.use(securityHeaders());
  app.use(async (c, next) => {
    let built: ProjectorDeps | undefined;
    c.set("deps", () => {
      built ??= deps(c.env);
      return built;
    });
    await next();
  });
  app.onError(onError);
  app.notFound(notFound);

  app.get("/health", (c) => c.json({ ok: true, worker: "projector" }));
  app.all("/health", (c) => wrongMethod(c, "GET"));

  // Per client address (REQUEST_LIMITER); the webhook's gate is its signature instead (rate-limit.ts says why).
  app.get("/status", rateLimited, statusHandler());
  app.all("/status", (c) => wrongMethod(c, "GET"));

  app.post(
    "/projection",
    signedPoke((c) => c.var.deps().signing),
    handlePoke,
  );
  app.all("/projection", (c) => wrongMethod(c, "POST", "the QStash webhook"));

  app.all("/rebuild", rateLimited, handleRebuild);

  return app;
}
