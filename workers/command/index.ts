/** The command worker: GraphQL over the event log (writes) and the Redis projection (reads). */
import { createCommandApp } from "./app";
import { notice, upgrade } from "./live/route";

const app = createCommandApp({ live: { upgrade, notice } });

// The generated Env must fit what the app reads, or this does not compile.
export default { fetch: app.fetch } satisfies ExportedHandler<Cloudflare.Env>;

/** The live-update hub of each list, a Durable Object (binding LIST_HUB). */
export { ListHub } from "./live/hub";
