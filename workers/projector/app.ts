/**
 * The projector: `POST /projection` is the QStash webhook (signature first, then catch-up), `GET /status`
 * shows checkpoint, head and lag per partition, `GET /health` answers when the worker is up.
 */
import { Hono } from "hono";
import { ConfigError, UpstreamError } from "../../shared/errors";
import { projectionStatus } from "../../shared/projection/status";
import { catchUp } from "./catch-up";
import { type ProjectorDeps, projectorDeps } from "./deps";
import { logStep } from "./log";
import { verifySignature } from "./verify";

export type ProjectorEnv = { Bindings: Cloudflare.Env; Variables: { deps: ProjectorDeps } };

/** Largest webhook body accepted: pokes carry a position hint at most. */
const MAX_POKE_BYTES = 16 * 1024;

const log = (message: string, fields?: Record<string, unknown>) => logStep("projector", message, fields);

/** Runs a catch-up and, when the budget ran out with work left, pokes the projector again to continue. */
export async function runCatchUp(
  deps: ProjectorDeps,
  trigger: string,
  waitUntil: (p: Promise<unknown>) => void,
) {
  const result = await catchUp({ log: deps.log, store: deps.store, logger: log }, deps.budget);
  // A partition we yielded is being advanced by the invocation that beat us, which continues or re-pokes it.
  // Any other unfinished partition is ours to continue, whatever contention we met on the way: deciding this
  // on past contention let every racing invocation leave the rest of the backlog to the others, and it stalled.
  const unfinished = result.partitions.filter((p) => !p.caughtUp);
  const ours = unfinished.find((p) => !p.yielded);
  if (ours) {
    log("budget spent, re-poking", { trigger, partition: ours.partition, checkpoint: ours.checkpoint });
    waitUntil(
      deps.notifier
        .poke({ partition: ours.partition, offset: ours.checkpoint }, "continue")
        .catch((err: unknown) => log("re-poke failed", { error: (err as Error).message })),
    );
  }
  const owned = unfinished.length > 0 && ours === undefined;
  return { ...result, ownedElsewhere: owned };
}

export function createProjectorApp() {
  const app = new Hono<ProjectorEnv>();

  app.onError((err, c) => {
    if (err instanceof UpstreamError) {
      log("transient failure", { service: err.service, error: err.message });
      return c.json({ error: err.message, code: "UNAVAILABLE" }, 503);
    }
    if (err instanceof ConfigError) {
      log("configuration error", { error: err.message });
      return c.json({ error: err.message, code: "CONFIGURATION" }, 500);
    }
    log("internal error", { error: err instanceof Error ? err.message : String(err) });
    return c.json({ error: "internal error", code: "INTERNAL_SERVER_ERROR" }, 500);
  });

  app.notFound((c) =>
    c.json({ error: `no route ${c.req.method} ${new URL(c.req.url).pathname}`, code: "NOT_FOUND" }, 404),
  );

  app.use("*", async (c, next) => {
    c.set("deps", projectorDeps(c.env as unknown as Record<string, unknown>));
    await next();
  });

  app.get("/health", (c) => c.json({ ok: true, worker: "projector" }));

  app.get("/status", async (c) => {
    const { log: eventLog, store } = c.get("deps");
    return c.json(await projectionStatus(eventLog, store));
  });

  app.all("/projection", async (c) => {
    if (c.req.method !== "POST") {
      return c.json({ error: "the QStash webhook only accepts POST", code: "METHOD_NOT_ALLOWED" }, 405, {
        Allow: "POST",
      });
    }
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > MAX_POKE_BYTES)
      return c.json({ error: `body larger than ${MAX_POKE_BYTES} bytes`, code: "PAYLOAD_TOO_LARGE" }, 413);
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > MAX_POKE_BYTES)
      return c.json({ error: `body larger than ${MAX_POKE_BYTES} bytes`, code: "PAYLOAD_TOO_LARGE" }, 413);
    const body = new TextDecoder().decode(bytes);
    const deps = c.get("deps");
    const verification = await verifySignature(deps.signing, c.req.header("upstash-signature"), body);
    if (!verification.ok) {
      log("signature rejected", { reason: verification.reason });
      return c.json({ error: `invalid signature: ${verification.reason}`, code: "UNAUTHORIZED" }, 401);
    }
    log("signature valid", {
      messageId: c.req.header("upstash-message-id"),
      retried: c.req.header("upstash-retried"),
    });
    const result = await runCatchUp(deps, "poke", (p) => c.executionCtx.waitUntil(p));
    return c.json(result, 200);
  });

  return app;
}
