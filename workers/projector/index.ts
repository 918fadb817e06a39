/** The projector worker: composes the app and the cron trigger. */
import { createProjectorApp, runCatchUp } from "./app";
import { projectorDeps } from "./deps";
import { logStep } from "./log";

const app = createProjectorApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const deps = projectorDeps(env as unknown as Record<string, unknown>);
    const result = await runCatchUp(deps, "cron", (p) => ctx.waitUntil(p));
    logStep("projector", "scheduled catch-up done", { caughtUp: result.caughtUp });
  },
} satisfies ExportedHandler<Cloudflare.Env>;
