/**
 * Runs the two workers under `wrangler dev` (workerd) for `npm run dev`, each in its own process group so that
 * stopping the launcher stops wrangler and the workerd it started, leaving nothing behind.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { stripVTControlCharacters } from "node:util";

export interface WorkerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** The last lines it printed (all of them, not only those the launcher shows), oldest first. */
  recentLines(): string[];
  stop(): Promise<void>;
}

export interface WorkerSpec {
  name: "command" | "projector";
  config: string;
  port: number;
  envFile: string;
  persistTo: string;
  /** Each line the worker prints. */
  onLine: (line: string) => void;
}

const WRANGLER = resolve("node_modules", ".bin", "wrangler");

/**
 * The bindings `npm run dev` gives both workers over the stack's: the topic under its backend-neutral name too (so
 * that it overrides the one in wrangler.*.toml [vars]), the projector's local URL, introspection on, which a
 * deployment leaves off, so that GraphiQL has a schema to show on this machine, and live updates' URL and secret.
 */
export function devWorkerEnv(
  stackEnv: Record<string, string>,
  { topic, projectorUrl, liveUrl }: { topic: string; projectorUrl: string; liveUrl?: string },
): Record<string, string> {
  return {
    ...stackEnv,
    EVENT_LOG_TOPIC: topic,
    PROJECTOR_URL: projectorUrl,
    GRAPHQL_INTROSPECTION: "true",
    // Live updates: the projector's notices go to the command worker's POST /live, with a secret of this run.
    ...(liveUrl && { LIVE_URL: liveUrl, LIVE_SECRET: randomBytes(24).toString("base64url") }),
  };
}
/** Lines kept for the message about a worker that exited. */
const KEPT_LINES = 15;

export function startWranglerDev(spec: WorkerSpec): WorkerProcess {
  const child = spawn(
    WRANGLER,
    [
      "dev",
      "-c",
      spec.config,
      "--port",
      String(spec.port),
      "--ip",
      "127.0.0.1",
      "--env-file",
      spec.envFile,
      "--persist-to",
      join(spec.persistTo, spec.name),
      "--inspector-port",
      String(spec.port + 10_000),
      "--show-interactive-dev-session=false",
    ],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    },
  );
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      recent.push(stripVTControlCharacters(line));
      if (recent.length > KEPT_LINES) recent.shift();
      spec.onLine(line);
    });
  }
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return {
    name: spec.name,
    url: `http://127.0.0.1:${spec.port}`,
    child,
    recentLines: () => [...recent],
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 2xx, the process exits, or the time limit passes. */
export async function waitForHttp(url: string, worker: WorkerProcess, limitMs = 90_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (worker.child.exitCode !== null)
      throw new Error(`${worker.name} worker exited with code ${worker.child.exitCode} before answering`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${worker.name} worker did not answer ${url} within ${limitMs / 1000} s`);
}
