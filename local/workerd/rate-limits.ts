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
