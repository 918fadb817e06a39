/**
 * Global setup of the test runs (vitest and Playwright): builds the command worker's static assets once, so every
 * worker started for a test serves the app and GraphiQL exactly as `npm run build` makes them.
 */
import { buildWeb } from "../../web/build";

export default async function setup(): Promise<void> {
  await buildWeb();
}
