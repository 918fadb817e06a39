/**
 * The projector: `POST /projection` is the QStash webhook (signature first, then catch-up), `GET /status`
 * shows checkpoint, head and lag per partition, `GET /health` answers when the worker is up.
 */
import { type Context, Hono } from "hono";
import { adminToken } from "../../shared/config";
import { ConfigError, UpstreamError } from "../../shared/errors";
import { readAtMost } from "../../shared/http/body";
import { rebuildStatus } from "../../shared/projection/rebuild-status";
import { projectionStatus } from "../../shared/projection/status";
import { publicStatus, statusAccess } from "./admin";
import { SUBREQUESTS, type SubrequestMeter, subrequestMeter } from "./budget";
import { type CatchUpResult, catchUp } from "./catch-up";
import { onLive, type ProjectorDeps, projectorDeps } from "./deps";
import { refuse, requestIdFrom } from "./http";
import { logStep } from "./log";
import { pokeNamespace, pokeReason, pokeTarget } from "./poke-target";
import { foldRetiring, routeNamespacePoke } from "./rebuild";
import { registerRebuildRoute } from "./rebuild-route";
import { verifySignature } from "./verify";

export type ProjectorEnv = { Bindings: Cloudflare.Env; Variables: { requestId: string } };
type C = Context<ProjectorEnv>;

/** Largest webhook body accepted: pokes carry a position hint at most. */
const MAX_POKE_BYTES = 16 * 1024;

const log = (message: string, fields?: Record<string, unknown>) => logStep("projector", message, fields);

/**
 * Runs a catch-up and, when the budget ran out with work left, pokes the projector again to continue. `context`
 * (a request id, say) is added to every log line of the run; `meter` carries subrequests the invocation already
 * spent (the sweep's).
 */
export async function runCatchUp(
  deps: ProjectorDeps,
  trigger: string,
  waitUntil: (p: Promise<unknown>) => void,
  context: Record<string, unknown> = {},
  only?: readonly number[],
  meter: SubrequestMeter = subrequestMeter(deps.budget.maxSubrequests),
) {
  const log = (message: string, fields?: Record<string, unknown>) =>
    logStep("projector", message, { ...context, ...fields });
  const result = await catchUp(
    { log: deps.log, store: deps.store, lease: deps.lease, logger: log, meter },
    deps.budget,
    only,
  );
  // A partition another fold holds (coalesced) or that we yielded to the invocation that beat us is advanced by
  // that fold, which continues or re-pokes it. Any other unfinished partition is ours to continue, whatever
  // contention we met on the way: deciding this on past contention let every racing invocation leave the rest of
  // the backlog to the others, and it stalled. Each gets a poke of its own, so each continues in its own invocation.
  // A stopped partition waits for an upgrade and a failed one for QStash's retry or the cron, not for a re-poke.
  const unfinished = result.partitions.filter((p) => !p.caughtUp && !p.stopped && !p.failed);
  const ours = unfinished.filter((p) => !p.yielded && !p.coalesced);
  if (ours.length > 0) {
    const hints = ours.map((p) => ({ partition: p.partition, offset: p.checkpoint }));
    meter.spend(SUBREQUESTS.repoke);
    log("budget spent, re-poking", {
      trigger,
      partitions: hints,
      subrequests: { used: meter.used, max: meter.max },
    });
    waitUntil(
      deps.notifier
        .pokeMany(hints, "continue")
        .catch((err: unknown) => log("re-poke failed", { error: (err as Error).message })),
    );
  }
  const owned = unfinished.length > 0 && ours.length === 0;
  return { ...result, ownedElsewhere: owned };
}

/** The partitions whose fold failed, as one short sentence, or undefined when none did. */
export function failures(result: CatchUpResult): { services: string; partitions: number[] } | undefined {
  const failed = result.partitions.filter((p) => p.failed);
  if (failed.length === 0) return undefined;
  const services = [...new Set(failed.map((p) => p.failed?.service ?? "projector"))].join(", ");
  return { services, partitions: failed.map((p) => p.partition) };
}

const deps = (c: C): ProjectorDeps => projectorDeps(c.env as unknown as Record<string, unknown>);

/** 405 for a known route asked with another method. */
const wrongMethod = (c: C, allow: string) =>
  refuse(c, 405, "METHOD_NOT_ALLOWED", `${new URL(c.req.url).pathname} only accepts ${allow}`, {
    headers: { Allow: allow },
  });

/**
 * Every answer carries an `x-request-id` (the caller's when it is a sane token, else a new UUID) and every refusal
 * or failure is one JSON log line with it. Bindings are read only by the routes that need them, so a misconfigured
 * projector still answers /health and turns away what it would turn away anyway. Failure bodies never carry an
 * upstream's or the runtime's own message: the log line has it.
 */
export function createProjectorApp() {
  const app = new Hono<ProjectorEnv>();

  app.use("*", async (c, next) => {
    const requestId = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    await next();
    c.header("x-request-id", requestId);
  });

  app.onError((err, c) => {
    if (err instanceof UpstreamError) {
      return refuse(c, 503, "UNAVAILABLE", `a backing service is unavailable (${err.service}); retry later`, {
        detail: { service: err.service, cause: err.message },
      });
    }
    if (err instanceof ConfigError) return refuse(c, 500, "MISCONFIGURED", err.message);
    const cause = err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : err;
    return refuse(c, 500, "INTERNAL_SERVER_ERROR", "internal error", { detail: { cause } });
  });

  app.notFound((c) => refuse(c, 404, "NOT_FOUND", `no route ${c.req.method} ${new URL(c.req.url).pathname}`));

  app.get("/health", (c) => c.json({ ok: true, worker: "projector" }));
  app.all("/health", (c) => wrongMethod(c, "GET"));

  app.get("/status", async (c) => {
    const access = await statusAccess(
      c.req.header("authorization"),
      adminToken(c.env as unknown as Record<string, unknown>),
    );
    if (access.kind === "refused") {
      return refuse(c, 401, "UNAUTHORIZED", access.reason, { headers: { "WWW-Authenticate": "Bearer" } });
    }
    const live = await onLive(deps(c));
    const [projection, rebuild] = await Promise.all([
      projectionStatus(live.log, live.store),
      rebuildStatus(live.log, live.redis, live.rebuild, live.namespace),
    ]);
    const status = { ...projection, ...rebuild };
    return c.json(access.kind === "admin" ? status : { ...publicStatus(projection), ...rebuild });
  });
  app.all("/status", (c) => wrongMethod(c, "GET"));

  app.all("/projection", async (c) => {
    if (c.req.method !== "POST") {
      return refuse(c, 405, "METHOD_NOT_ALLOWED", "the QStash webhook only accepts POST", {
        headers: { Allow: "POST" },
      });
    }
    const tooLarge = () => refuse(c, 413, "PAYLOAD_TOO_LARGE", `body larger than ${MAX_POKE_BYTES} bytes`);
    const declared = c.req.header("content-length");
    if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > MAX_POKE_BYTES) {
      return tooLarge();
    }
    const bytes = await readAtMost(c.req.raw, MAX_POKE_BYTES);
    if (bytes === undefined) return tooLarge();
    let body: string;
    try {
      body = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return refuse(c, 400, "BAD_REQUEST", "body is not valid UTF-8");
    }
    const projector = deps(c);
    const verification = await verifySignature(projector.signing, c.req.header("upstash-signature"), body);
    if (!verification.ok) return refuse(c, 401, "UNAUTHORIZED", `invalid signature: ${verification.reason}`);
    const requestId = c.get("requestId");
    log("signature valid", {
      requestId,
      messageId: c.req.header("upstash-message-id"),
      retried: c.req.header("upstash-retried"),
    });
    const target = pokeTarget(body, projector.log.partitions);
    const only = target === "every" ? undefined : [target.partition];
    const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
    const namespace = pokeNamespace(body);
    if (namespace !== undefined) {
      const routed = await routeNamespacePoke(projector, namespace, pokeReason(body), only, waitUntil, {
        requestId,
      });
      if (routed.kind === "done") {
        if (routed.failed) {
          return refuse(
            c,
            503,
            "UNAVAILABLE",
            `a backing service is unavailable (${routed.failed.services}); retry later`,
            {
              detail: { failedPartitions: routed.failed.partitions, namespace },
            },
          );
        }
        return c.json(routed.body as Record<string, unknown>, 200);
      }
    }
    const live = await onLive(projector);
    const result = await runCatchUp(live, "poke", waitUntil, { requestId }, only);
    // A namespace replaced by a rebuild is still read by workers whose cached pointer predates the switch.
    await foldRetiring(live, only, { requestId });
    const failed = failures(result);
    // The other partitions were folded; a 5xx makes QStash retry the ones that failed (their log lines say why).
    if (failed) {
      return refuse(
        c,
        503,
        "UNAVAILABLE",
        `a backing service is unavailable (${failed.services}); retry later`,
        { detail: { failedPartitions: failed.partitions } },
      );
    }
    return c.json(result, 200);
  });

  registerRebuildRoute(app, deps);

  return app;
}
