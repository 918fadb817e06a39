/**
 * The cron trigger: the sweep that heals lost pokes of the live fold, then the rebuild's share (a lost chunk
 * poke, a retired namespace's fold or its clean-up), over adapters from the same factory as the app's.
 */
import type { Bindings } from "../../shared/config";
import { depsFromBindings, onLive, type ProjectorOptions } from "./deps";
import { sweep } from "./fold/sweep";
import { sweepRebuild } from "./rebuild/sweep";
import { log } from "./shell";

export function createScheduled({ deps = depsFromBindings }: ProjectorOptions = {}) {
  return async (_controller: ScheduledController, env: Bindings, ctx: ExecutionContext): Promise<void> => {
    const projector = deps(env);
    const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
    const cron = log.with({ trigger: "cron" });
    const result = await sweep(await onLive(projector), waitUntil, cron);
    if (result.failed) cron.error("scheduled catch-up done", { ...result });
    else cron.info("scheduled catch-up done", { ...result });
    const rebuild = await sweepRebuild(projector, waitUntil, cron);
    if (Object.keys(rebuild).length > 0) cron.info("scheduled rebuild step done", rebuild);
  };
}
