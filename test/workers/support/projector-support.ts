/**
 * What the projector tests share: a projector of their own (the real worker bundle in workerd, through
 * Miniflare) beside a test file's system, QStash signatures made by hand (docs/protocols.md#signing), the
 * emulators' admin routes, and bounded polling.
 *
 * Each test starts its own projector on its own topic and projection prefix against the file's local stack,
 * so tests never see each other's events, checkpoints or dead letters, whatever order they run in.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import { afterEach, beforeEach } from "vitest";
import { startWorkerOnFreePort } from "../../../local/workerd/worker";
import type { TestSystem } from "../../support/system";

export interface Projector {
  /** Base URL, e.g. `http://127.0.0.1:1234`. */
  url: string;
  /** The webhook URL, also its `PROJECTOR_URL` binding: the `sub` a signature must carry. */
  webhook: string;
  /** The bindings it runs with. */
  env: Record<string, string>;
  topic: string;
  prefix: string;
  partitions: number;
  close(): Promise<void>;
}

let started = 0;

/**
 * Starts the projector worker with the system's bindings, a fresh topic and prefix, and `bindings` on top.
 * Close it in the test (or an `afterEach`) that started it.
 */
export async function startProjector(
  sys: TestSystem,
  bindings: Record<string, string> = {},
): Promise<Projector> {
  const id = `${process.pid}-${++started}-${randomUUID().slice(0, 8)}`;
  const envFor = (port: number): Record<string, string> => ({
    ...sys.env,
    UPSTASH_KAFKA_TOPIC: `projector-${id}`,
    PROJECTION_PREFIX: `projector-test:${id}`,
    PROJECTOR_URL: `http://127.0.0.1:${port}/projection`,
    ...bindings,
  });
  const { mf, port } = await startWorkerOnFreePort("workers/projector/index.ts", envFor);
  const url = `http://127.0.0.1:${port}`;
  const env = envFor(port);
  return {
    url,
    webhook: env.PROJECTOR_URL ?? `${url}/projection`,
    env,
    topic: env.UPSTASH_KAFKA_TOPIC ?? "",
    prefix: env.PROJECTION_PREFIX ?? "",
    partitions: Number(env.EVENT_LOG_PARTITIONS ?? "1"),
    close: () => mf.dispose(),
  };
}

/** A fresh projector (as `startProjector(sys())`) for each test, closed after it; answers the current one. */
export function useProjectorPerTest(sys: () => TestSystem): () => Projector {
  let projector: Projector | undefined;
  beforeEach(async () => {
    projector = await startProjector(sys());
  });
  afterEach(async () => {
    await projector?.close();
  });
  return () => {
    if (projector === undefined) throw new Error("no projector outside a test");
    return projector;
  };
}

/** What to put back after each test of `useProjectors`, so one test's leftovers never reach the next. */
export interface ProjectorReset {
  /** Wait until QStash has no delivery pending first. */
  idle?: boolean;
  /** The emulators whose injected faults to drop (Redis and Kafka request faults, QStash delivery faults). */
  faults?: Array<"redis" | "kafka" | "qstash">;
}

/**
 * Projectors started by tests on demand (`startProjector(sys(), bindings)`) and closed after each test, once
 * `reset` has run. Answers the function a test starts one with.
 */
export function useProjectors(
  sys: () => TestSystem,
  reset: ProjectorReset = {},
): (bindings?: Record<string, string>) => Promise<Projector> {
  const started: Projector[] = [];
  afterEach(async () => {
    const { stack } = sys();
    if (reset.idle) await stack.qstash.idle();
    const urls = { redis: stack.redis.url, kafka: stack.kafka.url, qstash: stack.qstash.url };
    await Promise.all(
      (reset.faults ?? []).map((name) =>
        admin(urls[name], "DELETE", name === "qstash" ? "delivery-faults" : "faults"),
      ),
    );
    await Promise.all(started.splice(0).map((p) => p.close()));
  });
  return async (bindings = {}) => {
    const p = await startProjector(sys(), bindings);
    started.push(p);
    return p;
  };
}

function base64url(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString("base64url");
}

export interface SignatureOptions {
  /** The signing key, `sig_...`, used as UTF-8 bytes. */
  key: string;
  /** The `sub` claim. */
  url: string;
  body: string;
  /** Issued-at, unix seconds (default now). */
  iat?: number;
  /** Seconds until `exp` (default 300, as QStash). */
  lifetime?: number;
  /** Claims to set or override (`undefined` removes one). */
  claims?: Record<string, unknown>;
}

/** An `Upstash-Signature` JWT made exactly as QStash makes it (docs/protocols.md#signing), HS256. */
export function sign(options: SignatureOptions): string {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const payload = {
    iss: "Upstash",
    sub: options.url,
    exp: iat + (options.lifetime ?? 300),
    nbf: iat,
    iat,
    jti: `jwt_${randomUUID()}`,
    body: base64url(createHash("sha256").update(options.body, "utf8").digest()),
    ...options.claims,
  };
  const head = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  return `${head}.${base64url(createHmac("sha256", Buffer.from(options.key, "utf8")).update(head).digest())}`;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are compared as whole bodies with toEqual
  body: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: res.status, headers: res.headers, body };
}

/** POSTs a poke to the webhook, signed with the current key for the projector's URL unless `signature` is given. */
export async function poke(
  p: Projector,
  body = "{}",
  signature: string | null = sign({ key: currentKey(p), url: p.webhook, body }),
): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers["upstash-signature"] = signature;
  return answer(await fetch(p.webhook, { method: "POST", headers, body }));
}

export function currentKey(p: Projector): string {
  return p.env.QSTASH_CURRENT_SIGNING_KEY ?? "";
}

export function nextKey(p: Projector): string {
  return p.env.QSTASH_NEXT_SIGNING_KEY ?? "";
}

export async function get(url: string, init?: RequestInit): Promise<Answer> {
  return answer(await fetch(url, init));
}

export interface PartitionStatus {
  partition: number;
  checkpoint: number;
  head: number;
  lag: number;
  deadLettered: number;
  /** Present while the partition is stopped at an event this projector cannot fold. */
  stopped?: { offset: number; reason: string; since: string };
}

export interface Status {
  partitions: PartitionStatus[];
  lag: number;
  applied: number;
  rejected: number;
  deadLettered: number;
  folds: { applied: number; lost: number };
  deadLetters: Array<Record<string, unknown>>;
  rejectedEvents: Array<Record<string, unknown>>;
}

/** A partition's progress in a poke's answer, for a single-partition fold that caught up uncontended. */
export function caughtUpProgress(
  from: number,
  checkpoint: number,
  counts: { applied?: number; rejected?: number; dead?: number } = {},
) {
  return {
    partition: 0,
    from,
    checkpoint,
    applied: counts.applied ?? 0,
    rejected: counts.rejected ?? 0,
    dead: counts.dead ?? 0,
    contended: 0,
    yielded: false,
    coalesced: false,
    caughtUp: true,
  };
}

/** `GET /status` as an admin (raw dead-letter values included), which must answer 200. */
export async function status(p: Projector): Promise<Status> {
  const res = await get(`${p.url}/status`, {
    headers: { authorization: `Bearer ${p.env.ADMIN_TOKEN ?? ""}` },
  });
  if (res.status !== 200) throw new Error(`/status answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Status;
}

/** Runs the projector's scheduled (cron) handler once, as the platform does. */
export async function cron(p: Projector): Promise<void> {
  const res = await fetch(`${p.url}/cdn-cgi/handler/scheduled`);
  if (!res.ok) throw new Error(`scheduled handler answered ${res.status}: ${await res.text()}`);
}

/** Calls an emulator's admin route (`/__emulator/<path>`) and returns its JSON answer. */
export async function admin(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}/__emulator/${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`admin ${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Retries `check` (every 25 ms) until it stops throwing, for at most `timeoutMs`; then throws its last error. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
