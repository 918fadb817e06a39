import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/build-web.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: each test file starts its own local stack, so keep files from crowding them.
    maxWorkers: 2,
    // One copy of graphql: @hono/graphql-server would otherwise load graphql's CommonJS build beside our ESM one.
    server: { deps: { inline: ["@hono/graphql-server"] } },
  },
});
