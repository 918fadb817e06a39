/** The projector worker: composes the app and the cron trigger. */
import { createProjectorApp } from "./app";
import { onLive, projectorDeps } from "./deps";
import { logStep } from "./log";
import { sweepRebuild } from "./rebuild";
import { sweep } from "./sweep";

const app = createProjectorApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const deps = projectorDeps(env);
    const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
    const result = await sweep(await onLive(deps), waitUntil);
    logStep("projector", "scheduled catch-up done", {
      ...result,
      ...(result.failed && { level: "error" }),
    });
    // A rebuild, a retired namespace's fold or its clean-up: a lost poke of theirs is healed here.
    const rebuild = await sweepRebuild(deps, waitUntil);
    if (Object.keys(rebuild).length > 0) logStep("projector", "scheduled rebuild step done", rebuild);
  },
} satisfies ExportedHandler<Cloudflare.Env>;
