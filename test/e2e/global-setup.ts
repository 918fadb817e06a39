/**
 * Starts what the browser tests run against, once for the run: the assets built as `npm run build` builds them,
 * and a whole system (local stack on free ports, both workers in workerd serving those assets). Tests find it
 * through E2E_* environment variables; each test's browser context has empty storage, hence a list of its own.
 */

import buildWeb from "../support/build-web";
import { startSystem } from "../support/system";

export default async function globalSetup(): Promise<() => Promise<void>> {
  await buildWeb();
  // As `npm run dev` runs it: introspection on, so that GraphiQL has a schema to show.
  const sys = await startSystem({ commandBindings: { GRAPHQL_INTROSPECTION: "true" } });
  process.env.E2E_BASE_URL = sys.commandUrl;
  process.env.E2E_KAFKA_URL = sys.env.UPSTASH_KAFKA_URL ?? "";
  process.env.E2E_PROJECTOR_URL = sys.projectorUrl;
  process.env.E2E_ADMIN_TOKEN = sys.env.ADMIN_TOKEN ?? "";
  return () => sys.close();
}
