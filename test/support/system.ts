/**
 * The whole system for a test file: its own local stack on free ports (redis-server, Redis REST, Kafka and
 * QStash emulators) and both workers running in workerd through Miniflare, wired as `npm run dev` wires them.
 * Each system uses its own topic and projection prefix, so test files never see each other's data.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Miniflare } from "miniflare";
import { freePort } from "../../local/common/ports";
import { DEFAULTS, FREE_PORTS, loadStackConfig } from "../../local/stack/config";
import { type RunningStack, startStack } from "../../local/stack/start";
import { startWorkerOnFreePort, startWorkerOnPort } from "../../local/workerd/worker";
import { type EventLogBackend, eventLogBackend, eventLogConfig } from "../../shared/config/event-log";
import { createEventLog } from "../../shared/event-log/create";
import type { EventLog } from "../../shared/event-log/port";
import { WEB_DIST } from "../../web/build";

export interface TestSystem {
  stack: RunningStack;
  /** The bindings both workers were given (the command worker's, when they differ). */
  env: Record<string, string>;
  /** The event log both workers use. */
  eventLog: EventLogBackend;
  /** The log the workers use, through the same adapter they run (for tests that read or write it directly). */
  log(): EventLog;
  /** The emulator in front of the log's engine (for its counters and fault injection). */
  logEmulatorUrl: string;
  commandUrl: string;
  projectorUrl: string;
  command: Miniflare;
  projector: Miniflare;
  /** POSTs a GraphQL operation to the command worker and returns status, headers and parsed body. */
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLAnswer>;
  /** Runs the projector's scheduled (cron) handler once. */
  cron(): Promise<void>;
  close(): Promise<void>;
}

export interface GraphQLAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

export interface SystemOptions {
  partitions?: number;
  /**
   * The event log (`EVENT_LOG`) both workers use. Default: the environment variable `TEST_EVENT_LOG`, so that a
   * vitest project can run the same files on another backend; else `upstash-kafka`.
   */
  eventLog?: EventLogBackend;
  /** Extra or overriding bindings for both workers. */
  bindings?: Record<string, string>;
  /** Extra or overriding bindings for one worker only (applied after `bindings`). */
  commandBindings?: Record<string, string>;
  projectorBindings?: Record<string, string>;
  /** Show the workers' console output (off by default to keep test output readable). */
  verbose?: boolean;
  /**
   * Write both workers' console output to this file instead, each line led by the worker's name: a run whose
   * failures must be diagnosable afterwards (the browser suite) keeps what the workers said.
   */
  outputFile?: string;
  /**
   * "wrangler": both workers' rate limits are the wrangler files' numbers, as `npm run dev` runs them. Unset, the
   * same bindings allow a generous number (local/workerd/worker.ts), so a test sending many requests from one
   * address is never throttled by accident.
   */
  rateLimits?: "wrangler";
  /**
   * Live updates on: the projector sends its notices to the command worker's POST /live (LIVE_URL, LIVE_SECRET),
   * as `npm run dev` wires them. The command worker's port is then chosen before the projector starts.
   */
  live?: boolean;
}

let counter = 0;

export async function startSystem(options: SystemOptions = {}): Promise<TestSystem> {
  const stateDir = await mkdtemp(join(tmpdir(), "todo-system-"));
  const config = loadStackConfig({
    LOCAL_STATE_DIR: stateDir,
    ...FREE_PORTS,
    LOCAL_QSTASH_TIME_SCALE: "0.001",
    EVENT_LOG_PARTITIONS: String(options.partitions ?? 1),
    EVENT_LOG:
      options.eventLog ?? eventLogBackend({ EVENT_LOG: process.env.TEST_EVENT_LOG ?? "upstash-kafka" }),
  });
  const stack = await startStack(config);
  const id = `${process.pid}-${++counter}`;
  const verbose = options.verbose ?? false;
  const file = options.outputFile === undefined ? undefined : await openOutput(options.outputFile);
  const output = (worker: string) => (file ? { onOutput: file.writer(worker) } : { verbose });
  const bindingsFor = (projectorPort: number): Record<string, string> => ({
    ...stack.env,
    UPSTASH_KAFKA_TOPIC: `events-${id}`,
    PROJECTION_PREFIX: `${DEFAULTS.PROJECTION_PREFIX}-${id}`,
    PROJECTOR_URL: `http://127.0.0.1:${projectorPort}/projection`,
    ...options.bindings,
  });
  // Live updates: the command worker's port is known before the projector starts (its LIVE_URL names it).
  const livePort = options.live ? await freePort() : undefined;
  const liveBindings: Record<string, string> = livePort
    ? { LIVE_URL: `http://127.0.0.1:${livePort}/live`, LIVE_SECRET: `live-secret-${id}-${randomUUID()}` }
    : {};
  const { mf: projector, port: projectorPort } = await startWorkerOnFreePort(
    "workers/projector/index.ts",
    (port) => ({ ...bindingsFor(port), ...liveBindings, ...options.projectorBindings }),
    { ...output("projector"), rateLimits: options.rateLimits },
  );
  const projectorUrl = `http://127.0.0.1:${projectorPort}`;
  const env = { ...bindingsFor(projectorPort), ...liveBindings, ...options.commandBindings };
  // The app and GraphiQL as deployed: web/dist, built once per run by the tests' global setup.
  const commandOutput = { ...output("command"), assets: WEB_DIST, rateLimits: options.rateLimits };
  const { mf: command, port: commandPort } = livePort
    ? {
        mf: await startWorkerOnPort("workers/command/index.ts", livePort, env, commandOutput),
        port: livePort,
      }
    : await startWorkerOnFreePort("workers/command/index.ts", () => env, commandOutput);
  const commandUrl = `http://127.0.0.1:${commandPort}`;

  const logEmulatorUrl =
    config.eventLog === "redis-streams"
      ? stack.redis.url
      : config.eventLog === "redpanda" && stack.redpanda
        ? stack.redpanda.url
        : stack.kafka.url;
  return {
    stack,
    env,
    eventLog: config.eventLog,
    log: () => createEventLog(eventLogConfig(env)),
    logEmulatorUrl,
    commandUrl,
    projectorUrl,
    command,
    projector,
    async graphql(query, variables, headers = {}) {
      const res = await fetch(`${commandUrl}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLAnswer["body"] };
    },
    async cron() {
      const res = await fetch(`${projectorUrl}/cdn-cgi/handler/scheduled`);
      if (!res.ok) throw new Error(`scheduled handler answered ${res.status}: ${await res.text()}`);
    },
    async close() {
      await Promise.allSettled([command.dispose(), projector.dispose()]);
      await file?.close();
      await stack.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** A file (started afresh) the workers' output lines go to, each led by its worker's name. */
async function openOutput(path: string) {
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(path);
  return {
    writer:
      (worker: string) =>
      (stdout: Readable, stderr: Readable): void => {
        for (const source of [stdout, stderr])
          createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) =>
            stream.write(`${worker.padEnd(9)} ${line}\n`),
          );
      },
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
}
