import { defineConfig } from "vitest/config";

/**
 * The whole-system suites that matter most, run again on every other event log backend (the whole suite runs on
 * the default, upstash-kafka). `test/support/system.ts` reads TEST_EVENT_LOG to choose the backend.
 */
const ON_EVERY_BACKEND = [
  "test/workers/command-writes.test.ts",
  "test/workers/guarantees-races.test.ts",
  "test/workers/guarantees-deliveries.test.ts",
  "test/workers/guarantees-model.test.ts",
  "test/workers/projector-concurrency.test.ts",
  "test/workers/event-log-selection.test.ts",
  "test/workers/command-sealed.test.ts",
  "test/workers/projector-round-trips.test.ts",
  "test/workers/write-commits.test.ts",
];

export default defineConfig({
  test: {
    globalSetup: ["test/support/build-web.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: each test file starts its own local stack, so keep files from crowding them.
    maxWorkers: 2,
    // One copy of graphql: @hono/graphql-server would otherwise load graphql's CommonJS build beside our ESM one.
    server: { deps: { inline: ["@hono/graphql-server"] } },
    projects: [
      { extends: true, test: { name: "upstash-kafka", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "redis-streams", include: ON_EVERY_BACKEND, env: { TEST_EVENT_LOG: "redis-streams" } },
      },
      {
        extends: true,
        test: { name: "redpanda", include: ON_EVERY_BACKEND, env: { TEST_EVENT_LOG: "redpanda" } },
      },
    ],
  },
});
