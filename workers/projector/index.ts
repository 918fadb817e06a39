/** The projector worker: composes the app and the cron trigger. */
import { createProjectorApp } from "./app";
import { onLive, projectorDeps } from "./deps";
import { sweepRebuild } from "./rebuild";
import { log } from "./shell";
import { sweep } from "./sweep";

const app = createProjectorApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const deps = projectorDeps(env as unknown as Record<string, unknown>);
    const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
    const cron = log.with({ trigger: "cron" });
    const result = await sweep(await onLive(deps), waitUntil, cron);
    if (result.failed) cron.error("scheduled catch-up done", { ...result });
    else cron.info("scheduled catch-up done", { ...result });
    // A rebuild, a retired namespace's fold or its clean-up: a lost poke of theirs is healed here.
    const rebuild = await sweepRebuild(deps, waitUntil, cron);
    if (Object.keys(rebuild).length > 0) cron.info("scheduled rebuild step done", rebuild);
  },
} satisfies ExportedHandler<Cloudflare.Env>;
