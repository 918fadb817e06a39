/**
 * What the hostile-input tests share: a worker bundle run in workerd (Miniflare) whose console output is captured,
 * so a test can find the log line a refused request left under its request id; raw requests of any method, media
 * type and body; and the checks every refusal must pass (a 4xx with a code and a readable message, the caller's
 * request id echoed, no stack trace or runtime internals in the answer).
 */
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { expect } from "vitest";
import { startWorkerOnFreePort } from "../../../local/workerd/worker";
import { sendOpenStream } from "../../support/open-stream";
import type { TestSystem } from "../../support/system";
import type { Projector } from "./projector-support";

export type LogLine = Record<string, unknown>;

export interface CapturedWorker {
  url: string;
  /** Every JSON line the worker wrote to stdout or stderr so far. */
  lines(): LogLine[];
  close(): Promise<void>;
}

/**
 * Starts a worker bundle in workerd on a free port, keeping every JSON line it logs. The bindings may depend on the
 * port (the projector's own URL is one); another process can take the port between its choice and the bind, and
 * then another is chosen.
 */
export async function startCapturedWorker(
  entry: string,
  bindingsFor: (port: number) => Record<string, string>,
): Promise<CapturedWorker> {
  const lines: LogLine[] = [];
  const collect = (stream: Readable) => {
    let pending = "";
    stream.on("data", (chunk: Buffer | string) => {
      pending += String(chunk);
      const complete = pending.split("\n");
      pending = complete.pop() ?? "";
      for (const line of complete) {
        try {
          const parsed: unknown = JSON.parse(line);
          if (typeof parsed === "object" && parsed !== null) lines.push(parsed as LogLine);
        } catch {
          // not one of the workers' structured lines
        }
      }
    });
  };
  const { mf, port } = await startWorkerOnFreePort(entry, bindingsFor, {
    onOutput: (stdout, stderr) => {
      collect(stdout);
      collect(stderr);
    },
  });
  return { url: `http://127.0.0.1:${port}`, lines: () => [...lines], close: () => mf.dispose() };
}

/** The command worker with the system's bindings (so its writes would land in the system's log), logs captured. */
export function startCapturedCommand(
  sys: TestSystem,
  bindings: Record<string, string> = {},
): Promise<CapturedWorker> {
  return startCapturedWorker("workers/command/index.ts", () => ({ ...sys.env, ...bindings }));
}

/** A projector with captured logs beside a test file's system, on its own topic and prefix (as startProjector). */
export async function startCapturedProjector(
  sys: TestSystem,
  bindings: Record<string, string> = {},
): Promise<Projector & { worker: CapturedWorker }> {
  const id = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const envFor = (port: number): Record<string, string> => ({
    ...sys.env,
    UPSTASH_KAFKA_TOPIC: `hostile-${id}`,
    PROJECTION_PREFIX: `hostile-test:${id}`,
    PROJECTOR_URL: `http://127.0.0.1:${port}/projection`,
    ...bindings,
  });
  const worker = await startCapturedWorker("workers/projector/index.ts", envFor);
  const env = envFor(Number(new URL(worker.url).port));
  return {
    url: worker.url,
    webhook: `${worker.url}/projection`,
    env,
    topic: env.UPSTASH_KAFKA_TOPIC ?? "",
    prefix: env.PROJECTION_PREFIX ?? "",
    partitions: Number(env.EVENT_LOG_PARTITIONS ?? "1"),
    close: () => worker.close(),
    worker,
  };
}

/** The log lines naming `requestId`, once at least one has arrived (logs stream in after the answer). */
export async function linesOf(worker: CapturedWorker, requestId: string): Promise<LogLine[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = worker.lines().filter((line) => line.requestId === requestId);
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no log line with requestId ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A body streamed without Content-Length that never ends by itself (see `sendOpenStream`). */
export interface OpenStreamBody {
  openStreamBytes: number;
}

/** A raw request: any method, headers and body (a string, bytes, or a stream sent without Content-Length). */
export interface RawRequest {
  method?: string;
  /** Path and query, e.g. `/graphql?query=...`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer> | OpenStreamBody;
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  json: any;
}

/** Sends `request` to `baseUrl` with `x-request-id: requestId` and reads the whole answer. */
export async function send(baseUrl: string, request: RawRequest, requestId: string): Promise<RawAnswer> {
  const { body } = request;
  const method = request.method ?? "POST";
  const headers = { "x-request-id": requestId, ...request.headers };
  const {
    status,
    headers: answerHeaders,
    text,
  } = typeof body === "object" && "openStreamBytes" in body
    ? await sendOpenStream({ url: `${baseUrl}${request.path}`, method, headers, bytes: body.openStreamBytes })
    : await fetch(`${baseUrl}${request.path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      }).then(async (res) => ({ status: res.status, headers: res.headers, text: await res.text() }));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers: answerHeaders, text, json };
}

/**
 * A body streamed without a Content-Length that crosses `limit` by one byte and then never ends: only a worker that
 * refuses it once the limit is crossed can answer it, and the client can always read that answer.
 */
export function streamedPast(limit: number): OpenStreamBody {
  return { openStreamBytes: limit + 1 };
}

/** Stack frames, source positions and runtime error names: none of them belongs in an answer. */
const INTERNALS =
  /\n\s+at\s|\bat\s+\S+\s+\(|\.(?:ts|js|mjs):\d+|\b(?:TypeError|RangeError|ReferenceError)\b|node_modules/;

/** The checks every refusal passes: not a 5xx, JSON, the request id echoed, nothing internal in the text. */
export function expectCleanRefusal(answer: RawAnswer, requestId: string): void {
  expect(answer.status).toBeLessThan(500);
  expect(answer.headers.get("x-request-id")).toBe(requestId);
  expect(answer.headers.get("content-type")).toMatch(/^application\/(?:graphql-response\+)?json/);
  expect(answer.text).not.toMatch(INTERNALS);
}
