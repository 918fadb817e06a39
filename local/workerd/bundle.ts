/**
 * Bundles a worker the way wrangler does (esbuild, ESM, workerd export conditions), once per test process,
 * so the tests run the real worker code in workerd through Miniflare.
 */
import { build } from "esbuild";

const cache = new Map<string, Promise<string>>();

export function bundleWorker(entry: string): Promise<string> {
  let bundled = cache.get(entry);
  if (!bundled) {
    bundled = build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      write: false,
      logLevel: "silent",
      // The runtime's own modules (the Durable Object base class), as wrangler leaves them.
      external: ["cloudflare:*"],
    }).then((result) => {
      const file = result.outputFiles[0];
      if (!file) throw new Error(`esbuild produced nothing for ${entry}`);
      return file.text;
    });
    cache.set(entry, bundled);
  }
  return bundled;
}
