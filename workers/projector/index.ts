/** The projector worker: composes the app and the cron trigger over one factory of adapters. */
import { createProjectorApp } from "./app";
import { depsFromBindings, type ProjectorOptions } from "./deps";
import { createScheduled } from "./scheduled";

const options: ProjectorOptions = { deps: depsFromBindings };

export default {
  fetch: createProjectorApp(options).fetch,
  scheduled: createScheduled(options),
} satisfies ExportedHandler<Cloudflare.Env>;
