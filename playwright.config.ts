/**
 * Browser tests of the to-do app and GraphiQL: Debian's Chromium (no browser download) driven by Playwright,
 * against both workers in workerd over a whole local stack that test/e2e/global-setup.ts starts on free ports.
 */
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "test/e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./test/e2e/global-setup.ts",
  outputDir: "test-results/e2e",
  // Two cores, shared with the workers and the stack: two browsers at a time at most.
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    // A failing test leaves its screenshot in test-results/e2e.
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
