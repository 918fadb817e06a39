/**
 * The projector: `POST /projection` is the QStash webhook (signature first, then catch-up), `GET /status`
 * shows checkpoint, head and lag per partition, `GET /health` answers when the worker is up, `POST /rebuild`
 * starts a rebuild (rebuild/route.ts). Bindings are read only by the routes that need them, so a misconfigured
 * projector still answers /health and turns away what it would turn away anyway.
 */
import { Hono } from "hono";
import { adminToken } from "../../shared/config";
import { requestId } from "../../shared/http/request-id";
import { projectionStatus } from "../../shared/projection/status";
import { rebuildStatus } from "../../shared/rebuild/status";
import { publicStatus, statusAccess } from "./admin";
import { type DepsFactory, depsFromBindings, onLive, type ProjectorDeps } from "./deps";
import { SUBREQUESTS, subrequestMeter } from "./fold/budget";
import { failures, runCatchUp } from "./fold/run";
import { readPoke } from "./poke-target";
import { foldRetiring, routeNamespacePoke } from "./rebuild/chunk";
import { registerRebuildRoute } from "./rebuild/route";
import { foldFailed, log, notFound, onError, type ProjectorEnv, refuse, wrongMethod } from "./shell";
import { signedPoke } from "./signed-poke";

export interface ProjectorOptions {
  /** Builds the adapters of a request, at its first use of them (default: from the bindings). */
  deps?: DepsFactory;
}

export function createProjectorApp({ deps = depsFromBindings }: ProjectorOptions = {}) {
  const app = new Hono<ProjectorEnv>();
  app.use(requestId());
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

  app.get("/status", async (c) => {
    const access = await statusAccess(c.req.header("authorization"), adminToken(c.env));
    if (access.kind === "refused") {
      return refuse(c, 401, "UNAUTHORIZED", access.reason, { headers: { "WWW-Authenticate": "Bearer" } });
    }
    const live = await onLive(c.var.deps());
    const [projection, rebuild] = await Promise.all([
      projectionStatus(live.log, live.store),
      rebuildStatus(live.log, live.redis, live.rebuild, live.namespace),
    ]);
    const status = { ...projection, ...rebuild };
    return c.json(access.kind === "admin" ? status : { ...publicStatus(projection), ...rebuild });
  });
  app.all("/status", (c) => wrongMethod(c, "GET"));

  app.post(
    "/projection",
    signedPoke((c) => c.var.deps().signing),
    async (c) => {
      const projector = c.var.deps();
      const logger = log.with({ requestId: c.var.requestId });
      const { target, namespace, reason } = readPoke(c.var.poke, projector.log.partitions);
      const only = target === "every" ? undefined : [target.partition];
      const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
      // The live pointer is read afresh for every poke, never taken from this isolate's cache. A poke is sent after
      // its event was appended, so a pointer read after the poke came names the namespace that was live when the
      // event was: an event appended after a switch is folded into the new namespace by its own poke, whichever
      // isolate handles it, and one appended before is folded there by the rebuild (up to the heads its switch was
      // checked against) or by the switching invocation's pokes (after them). A cached pointer (up to
      // POINTER_CACHE_MS old) could predate the switch: the event would go to the old namespace only. No timing is
      // assumed; the price is one Redis request per poke.
      const view = await projector.liveView(true);
      if (namespace !== undefined) {
        const routed = await routeNamespacePoke(projector, view, namespace, reason, only, waitUntil, logger);
        if (routed.kind === "done") {
          if (routed.failed) return foldFailed(c, routed.failed, { namespace });
          return c.json(routed.body, 200);
        }
      }
      const live = await onLive(projector, view);
      const meter = subrequestMeter(projector.budget.maxSubrequests);
      meter.spend(SUBREQUESTS.pointer);
      const result = await runCatchUp(live, "poke", waitUntil, logger, only, meter);
      // A namespace replaced by a rebuild is still read by workers whose cached pointer predates the switch.
      await foldRetiring(live, view.retiring, only, logger);
      const failed = failures(result);
      // The other partitions were folded; a 5xx makes QStash retry the ones that failed (their log lines say why).
      if (failed) return foldFailed(c, failed);
      return c.json(result, 200);
    },
  );
  app.all("/projection", (c) => wrongMethod(c, "POST", "the QStash webhook"));

  registerRebuildRoute(app);

  return app;
}
