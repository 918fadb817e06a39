/**
 * The system under measurement: one local stack (redis-server, Redis REST, Kafka and QStash emulators) on free
 * ports, quiet, in a process of its own, with its data on the project's disk; and, per scenario,
 * a pair of workers (command + projector) of either design, each in workerd through Miniflare exactly as the
 * tests run them, on their own topic and key prefix so that scenarios and designs never see each other's data.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { freePort } from "../local/common/ports";
import { startWorkerOnFreePort, startWorkerOnPort } from "../local/workerd/worker";
import type { EventLogBackend } from "../shared/config/event-log";

export type Design = "ours" | "baseline";

const ENTRIES: Record<Design, { command: string; projector: string }> = {
  ours: { command: "workers/command/index.ts", projector: "workers/projector/index.ts" },
  baseline: { command: "bench/baseline/command.ts", projector: "bench/baseline/projector.ts" },
};

/** The stack as the bench sees it: the services' settings and admin URLs; it runs in a child process. */
export interface BenchStack {
  /** The settings of docs/operations.md#configuration for the running services (no worker URLs). */
  env: Record<string, string>;
  urls: { redis: string; kafka: string; qstash: string };
  stop(): Promise<void>;
}

/**
 * Starts the stack (bench/stack-process.ts) in its own process, on free ports, with its state under `.local/`
 * (the project's disk, not a tmpfs, so Kafka's fsync costs what it costs), set up for `eventLog` (with
 * redis-streams, redis-server fsyncs before every reply, as the local stack runs it).
 */
export async function startBenchStack(eventLog: EventLogBackend = "upstash-kafka"): Promise<BenchStack> {
  const parent = resolve(".local");
  await mkdir(parent, { recursive: true });
  const stateDir = await mkdtemp(join(parent, "bench-"));
  const child = spawn(process.execPath, ["--import", "tsx", "bench/stack-process.ts", stateDir, eventLog], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    const line = await new Promise<string>((done, fail) => {
      if (!child.stdout) return fail(new Error("stack process has no stdout"));
      const lines = createInterface({ input: child.stdout });
      lines.once("line", done);
      child.once("exit", (code) =>
        fail(new Error(`stack process exited with code ${code} before it was ready`)),
      );
    });
    const { env } = JSON.parse(line) as { env: Record<string, string> };
    const url = (name: string) => {
      const value = env[name];
      if (!value) throw new Error(`stack process reported no ${name}`);
      return value;
    };
    return {
      env,
      urls: {
        redis: url("UPSTASH_REDIS_REST_URL"),
        // The log's Kafka: Redpanda's HTTP Proxy when the stack runs it (EVENT_LOG=redpanda), else Kafka REST.
        kafka: env.REDPANDA_PROXY_URL ?? url("UPSTASH_KAFKA_URL"),
        qstash: url("QSTASH_URL"),
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface RunningWorker {
  url: string;
  close(): Promise<void>;
}

/** Runs a worker's bundle in workerd on the port given. */
async function startWorkerAt(
  entry: string,
  port: number,
  bindings: Record<string, string>,
): Promise<RunningWorker & { port: number }> {
  const mf = await startWorkerOnPort(entry, port, bindings);
  return { url: `http://127.0.0.1:${port}`, port, close: () => mf.dispose() };
}

/** Runs a worker's bundle in workerd on a free port, output drained and dropped; its inspector on `inspectorPort`. */
async function startWorker(
  entry: string,
  bindingsFor: (port: number) => Record<string, string>,
  inspectorPort?: number,
): Promise<RunningWorker & { port: number }> {
  const { mf, port } = await startWorkerOnFreePort(
    entry,
    bindingsFor,
    inspectorPort === undefined ? {} : { inspectorPort },
  );
  return { url: `http://127.0.0.1:${port}`, port, close: () => mf.dispose() };
}

/** The bare append worker (bench/floor-worker.ts) on the stack's log, on a topic and prefix of its own. */
export async function startFloorWorker(stack: BenchStack): Promise<RunningWorker> {
  const id = randomUUID().slice(0, 8);
  return startWorker("bench/floor-worker.ts", () => ({
    ...stack.env,
    UPSTASH_KAFKA_TOPIC: `bench-floor-append-${id}`,
    PROJECTION_PREFIX: `bench:floor:${id}`,
  }));
}

/** One design's two workers, wired to the stack on their own topic and prefix. */
export interface DesignPair {
  design: Design;
  topic: string;
  prefix: string;
  /** The bindings both workers run with. */
  env: Record<string, string>;
  commandUrl: string;
  projectorUrl: string;
  /** The webhook URL: the projector's `PROJECTOR_URL`, the `sub` its signatures must carry. */
  webhook: string;
  close(): Promise<void>;
}

/** Starts a design's projector and command worker on a fresh topic and key prefix named after `scenario`. */
export async function startPair(
  stack: BenchStack,
  design: Design,
  scenario: string,
  bindings: Record<string, string> = {},
  options: { live?: boolean; projectorInspector?: number; commandInspector?: number } = {},
): Promise<DesignPair> {
  const id = `${scenario}-${randomUUID().slice(0, 8)}`;
  const topic = `bench-${design}-${id}`;
  const prefix = `bench:${design}:${id}`;
  const envFor = (projectorPort: number): Record<string, string> => ({
    ...stack.env,
    UPSTASH_KAFKA_TOPIC: topic,
    PROJECTION_PREFIX: prefix,
    PROJECTOR_URL: `http://127.0.0.1:${projectorPort}/projection`,
    // The Paid plan's budget (workers/projector/fold/budget.ts), which the cost model prices: an invocation folds up
    // to its 20,000 events, as the figures in docs/scaling-and-cost.md were measured.
    PROJECTOR_MAX_SUBREQUESTS: "900",
    ...bindings,
  });
  const entries = ENTRIES[design];
  // Live updates (ours): the projector's notices go to the command worker, whose port is chosen first.
  const livePort = options.live ? await freePort() : undefined;
  const live: Record<string, string> = livePort
    ? { LIVE_URL: `http://127.0.0.1:${livePort}/live`, LIVE_SECRET: `bench-live-${randomUUID()}` }
    : {};
  const projector = await startWorker(
    entries.projector,
    (port) => ({ ...envFor(port), ...live }),
    options.projectorInspector,
  );
  const env = { ...envFor(projector.port), ...live };
  const webhook = env.PROJECTOR_URL ?? "";
  const command = livePort
    ? await startWorkerAt(entries.command, livePort, env)
    : await startWorker(entries.command, () => env, options.commandInspector);
  return {
    design,
    topic,
    prefix,
    env,
    commandUrl: command.url,
    projectorUrl: projector.url,
    webhook,
    async close() {
      await Promise.allSettled([command.close(), projector.close()]);
    },
  };
}
