/** The projector worker: composes the app and the cron trigger. */
import { createProjectorApp } from "./app";
import { projectorDeps } from "./deps";
import { logStep } from "./log";
import { sweep } from "./sweep";

const app = createProjectorApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const deps = projectorDeps(env as unknown as Record<string, unknown>);
    const result = await sweep(deps, (p) => ctx.waitUntil(p));
    logStep("projector", "scheduled catch-up done", {
      ...result,
      ...(result.failed && { level: "error" }),
    });
  },
} satisfies ExportedHandler<Cloudflare.Env>;
