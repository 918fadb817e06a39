/** The projector worker: composes the app and the cron trigger. */
import { createProjectorApp, failures, runCatchUp } from "./app";
import { projectorDeps } from "./deps";
import { logStep } from "./log";

const app = createProjectorApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const deps = projectorDeps(env as unknown as Record<string, unknown>);
    const result = await runCatchUp(deps, "cron", (p) => ctx.waitUntil(p));
    const failed = failures(result);
    logStep("projector", "scheduled catch-up done", {
      caughtUp: result.caughtUp,
      ...(failed && { level: "error", failedPartitions: failed.partitions }),
      stoppedPartitions: result.partitions.filter((p) => p.stopped).map((p) => p.partition),
    });
  },
} satisfies ExportedHandler<Cloudflare.Env>;
