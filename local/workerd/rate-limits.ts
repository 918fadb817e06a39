/**
 * The `[[ratelimits]]` bindings of a wrangler file, for the harness that runs the workers in Miniflare: it declares
 * the same bindings `wrangler dev` and a deployment do. Read the plain way (loading wrangler's own reader takes
 * seconds, in every test file): the files keep each binding as `name`, `namespace_id` and
 * `simple = { limit = N, period = N }` lines, and a block in another form is an error here rather than a binding
 * silently left out. test/deploy/rate-limits.test.ts checks this reads what wrangler reads.
 */
import { readFileSync } from "node:fs";

export interface RateLimitBinding {
  name: string;
  namespaceId: string;
  /** Calls of `limit()` allowed per key and period. */
  limit: number;
  /** Seconds: 10 or 60. */
  period: number;
}

export function wranglerRateLimits(file: string): RateLimitBinding[] {
  const text = readFileSync(file, "utf8");
  const blocks = text.split(/^\[\[ratelimits\]\][ \t]*$/m).slice(1);
  return blocks.map((raw) => {
    // A block ends at the next table header.
    const block = raw.split(/^\[/m)[0] ?? "";
    const name = /^name\s*=\s*"([A-Z_][A-Z0-9_]*)"\s*$/m.exec(block)?.[1];
    const namespaceId = /^namespace_id\s*=\s*"(\d+)"\s*$/m.exec(block)?.[1];
    const simple = /^simple\s*=\s*\{\s*limit\s*=\s*(\d+)\s*,\s*period\s*=\s*(\d+)\s*\}\s*$/m.exec(block);
    if (name === undefined || namespaceId === undefined || !simple) {
      throw new Error(
        `${file}: a [[ratelimits]] block not in the form name = "...", namespace_id = "...", simple = { limit = N, period = N }`,
      );
    }
    return { name, namespaceId, limit: Number(simple[1]), period: Number(simple[2]) };
  });
}

/**
 * The `[[durable_objects.bindings]]` of a wrangler file (`name` and `class_name` lines, classes the worker itself
 * exports), read the same plain way: binding name to class name.
 */
export function wranglerDurableObjects(file: string): Record<string, string> {
  const text = readFileSync(file, "utf8");
  const blocks = text.split(/^\[\[durable_objects\.bindings\]\][ \t]*$/m).slice(1);
  return Object.fromEntries(
    blocks.map((raw) => {
      const block = raw.split(/^\[/m)[0] ?? "";
      const name = /^name\s*=\s*"([A-Z_][A-Z0-9_]*)"\s*$/m.exec(block)?.[1];
      const className = /^class_name\s*=\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*$/m.exec(block)?.[1];
      if (name === undefined || className === undefined)
        throw new Error(
          `${file}: a [[durable_objects.bindings]] block not in the form name = "...", class_name = "..."`,
        );
      return [name, className];
    }),
  );
}
