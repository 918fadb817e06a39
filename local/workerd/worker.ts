/**
 * Runs a worker's bundle in workerd through Miniflare on a free loopback port, for the tests and the benchmarks:
 * the real worker code, bundled as wrangler bundles it.
 */
import { basename, dirname } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Miniflare, type Request, type Response } from "miniflare";
import { freePort } from "../common/ports";
import { bundleWorker } from "./bundle";
import { wranglerDurableObjects, wranglerRateLimits } from "./rate-limits";

/**
 * What each rate limiting bucket allows per period unless the wrangler file's own numbers are asked for: tests and
 * benchmarks send everything from one address, far faster than a person, and must never be throttled by accident.
 */
export const GENEROUS_RATE_LIMIT = 1_000_000;

export interface WorkerOutput {
  /** Let the workers' console output through to the test output. */
  verbose?: boolean;
  /** Receives workerd's stdout and stderr instead (it must keep reading them). */
  onOutput?: (stdout: Readable, stderr: Readable) => void;
  /**
   * Serve this folder as the worker's static assets (binding ASSETS), in front of the worker as Cloudflare does;
   * the settings are those of `[assets]` in wrangler.command.toml.
   */
  assets?: string;
  /**
   * The worker's `[[ratelimits]]` bindings (those of its wrangler file, always declared) allow what that file says
   * ("wrangler", as `npm run dev` and a deployment run them), or {@link GENEROUS_RATE_LIMIT} per period (unset).
   */
  rateLimits?: "wrangler";
  /** workerd's inspector listens on this port: a profiler can attach over the DevTools protocol. */
  inspectorPort?: number;
  /** Answers every `fetch` the worker makes, in this process (a benchmark that runs no emulator). */
  outbound?: (request: Request) => Promise<Response>;
}

/**
 * The Miniflare `ratelimits` of a worker: its wrangler file's bindings, with their limits or generous ones. A
 * worker of ours (`workers/<name>/index.ts`) runs with `wrangler.<name>.toml` at the repository's root; any other
 * entry (the benchmarks' baseline) has no wrangler file and no rate limits.
 */
function rateLimitsOf(entry: string, mode: WorkerOutput["rateLimits"]) {
  if (basename(dirname(dirname(entry))) !== "workers") return {};
  const file = fileURLToPath(new URL(`../../wrangler.${basename(dirname(entry))}.toml`, import.meta.url));
  return Object.fromEntries(
    wranglerRateLimits(file).map(({ name, limit, period }) => [
      name,
      { simple: { limit: mode === "wrangler" ? limit : GENEROUS_RATE_LIMIT, period } },
    ]),
  );
}

/** The Durable Objects a worker of ours declares in its wrangler file (none for any other entry). */
function durableObjectsOf(entry: string): Record<string, string> {
  if (basename(dirname(dirname(entry))) !== "workers") return {};
  return wranglerDurableObjects(
    fileURLToPath(new URL(`../../wrangler.${basename(dirname(entry))}.toml`, import.meta.url)),
  );
}

async function startWorker(
  entry: string,
  port: number,
  bindings: Record<string, string>,
  output: WorkerOutput,
): Promise<Miniflare> {
  const drain = (stdout: Readable, stderr: Readable) => {
    stdout.resume();
    stderr.resume();
  };
  const mf = new Miniflare({
    // Modules given explicitly: Miniflare would otherwise refuse the bundle's dynamic imports (dead code
    // in @upstash/qstash's local dev-server helper, never reached in a worker).
    modules: [
      { type: "ESModule", path: entry.replace(/\.ts$/, ".mjs"), contents: await bundleWorker(entry) },
    ],
    compatibilityDate: "2025-09-01",
    bindings,
    ratelimits: rateLimitsOf(entry, output.rateLimits),
    durableObjects: durableObjectsOf(entry),
    ...(output.assets
      ? {
          assets: {
            directory: output.assets,
            binding: "ASSETS",
            routerConfig: { has_user_worker: true },
            assetConfig: { html_handling: "auto-trailing-slash", not_found_handling: "none" },
          },
        }
      : {}),
    host: "127.0.0.1",
    port,
    unsafeTriggerHandlers: true,
    ...(output.inspectorPort !== undefined && { inspectorPort: output.inspectorPort }),
    ...(output.outbound && { outboundService: output.outbound }),
    // Quiet unless verbose, but always read: workerd blocks once its unread output fills the pipe.
    ...(output.verbose && !output.onOutput
      ? {}
      : { log: undefined, handleRuntimeStdio: output.onOutput ?? drain }),
  });
  try {
    await mf.ready;
  } catch (err) {
    // The start's error is the one to report; a failed clean-up is only worth a line beside it.
    await mf
      .dispose()
      .catch((cleanup: unknown) =>
        console.error(`workerd: disposing after a failed start failed too: ${(cleanup as Error).message}`),
      );
    throw err;
  }
  return mf;
}

/** Starts a worker on the port given (chosen by the caller, who must know it before: a binding of another worker). */
export async function startWorkerOnPort(
  entry: string,
  port: number,
  bindings: Record<string, string>,
  output: WorkerOutput = {},
): Promise<Miniflare> {
  return startWorker(entry, port, bindings, output);
}

/**
 * Starts a worker on a free port. The port must be known before the worker starts (the projector's own URL is
 * one of its bindings), so another process can take it between the choice and the bind: then choose again.
 */
export async function startWorkerOnFreePort(
  entry: string,
  bindingsFor: (port: number) => Record<string, string>,
  output: WorkerOutput = {},
): Promise<{ mf: Miniflare; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { mf: await startWorker(entry, port, bindingsFor(port), output), port };
    } catch (err) {
      if (attempt >= 5 || (err as { code?: unknown }).code !== "ERR_ADDRESS_IN_USE") throw err;
    }
  }
}
