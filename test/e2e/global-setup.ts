/**
 * Starts what the browser tests run against, once for the run: the assets built as `npm run build` builds them,
 * and a whole system (local stack on free ports, both workers in workerd serving those assets). Tests find it
 * through E2E_* environment variables; each test's browser context has empty storage, hence a list of its own.
 * Every request comes from one address (127.0.0.1), so the whole suite shares each rate limiting bucket.
 */

import buildWeb from "../support/build-web";
import { startSystem } from "../support/system";

export default async function globalSetup(): Promise<() => Promise<void>> {
  await buildWeb();
  // As `npm run dev` runs it: introspection on, so that GraphiQL has a schema to show; the rate limits the
  // wrangler files set, which the suite must stay under from its one address; live updates on.
  const sys = await startSystem({
    commandBindings: { GRAPHQL_INTROSPECTION: "true" },
    rateLimits: "wrangler",
    // Live updates wired as `npm run dev` wires them.
    live: true,
    // What the workers said, kept so that a failure can be read afterwards (each run starts the file again).
    outputFile: "test-results/e2e-workers.log",
  });
  process.env.E2E_BASE_URL = sys.commandUrl;
  process.env.E2E_KAFKA_URL = sys.env.UPSTASH_KAFKA_URL ?? "";
  // The log itself, for tests that count what reached it (not what the list shows).
  process.env.E2E_KAFKA_USERNAME = sys.env.UPSTASH_KAFKA_USERNAME ?? "";
  process.env.E2E_KAFKA_PASSWORD = sys.env.UPSTASH_KAFKA_PASSWORD ?? "";
  process.env.E2E_KAFKA_TOPIC = sys.env.UPSTASH_KAFKA_TOPIC ?? "";
  process.env.E2E_PROJECTOR_URL = sys.projectorUrl;
  process.env.E2E_ADMIN_TOKEN = sys.env.ADMIN_TOKEN ?? "";
  return () => sys.close();
}
