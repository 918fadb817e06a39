/** The command worker: GraphQL over the event log (writes) and the Redis projection (reads). */
import { createCommandApp } from "./app";

const app = createCommandApp();

// The generated Env must fit what the app reads, or this does not compile.
export default { fetch: app.fetch } satisfies ExportedHandler<Cloudflare.Env>;
