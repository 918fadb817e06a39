/**
 * What each wrangler file deploys, and what `npm run dev` runs instead. A deployed worker names the engine the
 * deployment guide sets up (Redis Streams in Upstash Redis); the local launcher keeps the original Kafka REST
 * protocol as its default and hands every worker its EVENT_LOG explicitly, so the files' value never leaks into
 * the local stack.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadStackConfig } from "../../local/stack/config";
import { EVENT_LOG_BACKENDS } from "../../shared/config/event-log";

/** The `[vars]` value of `name`, read the plain way (the files keep one `NAME = "value"` per line). */
function wranglerVar(file: string, name: string): string | undefined {
  const text = readFileSync(file, "utf8");
  const vars = text.slice(text.indexOf("[vars]"), text.indexOf("\n[", text.indexOf("[vars]")));
  return new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(vars)?.[1];
}

describe("wrangler files", () => {
  it.each(["wrangler.command.toml", "wrangler.projector.toml"])(
    "%s: deploys EVENT_LOG = redis-streams, the engine the deployment guide deploys",
    (file) => {
      expect(wranglerVar(file, "EVENT_LOG")).toBe("redis-streams");
    },
  );

  it("npm run dev: the local stack defaults to upstash-kafka, the others one variable away", () => {
    expect(loadStackConfig({}).eventLog).toBe("upstash-kafka");
    for (const backend of EVENT_LOG_BACKENDS) {
      expect(loadStackConfig({ EVENT_LOG: backend }).eventLog).toBe(backend);
    }
  });
});
