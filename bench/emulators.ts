/**
 * The emulators as instruments, through their admin routes (never counted as requests): the request counters
 * (`GET`/`DELETE /__emulator/stats`), request and delivery faults, QStash's delivery summary; and each design's
 * projection progress (checkpoint against log head).
 */
import { eventLogConfig } from "../shared/config/event-log";
import { createEventLog } from "../shared/event-log/create";
import { poke } from "./client";
import { sleep, until } from "./measure";
import type { BenchStack, DesignPair } from "./system";

type Service = keyof BenchStack["urls"];
const SERVICES: readonly Service[] = ["redis", "kafka", "qstash"];

/** One command sent straight to the stack's Redis REST emulator, its `result` answered (a refusal throws). */
export function redisCommand(stack: BenchStack, command: string[]): Promise<unknown> {
  return restCommand(stack.urls.redis, stack.env.UPSTASH_REDIS_REST_TOKEN, command);
}

/** One command to the Redis REST endpoint `url` with `token`, its `result` answered (a refusal throws). */
async function restCommand(url: string | undefined, token: string | undefined, command: string[]) {
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(command),
  });
  if (!res.ok) throw new Error(`${command[0]} answered ${res.status}`);
  return ((await res.json()) as { result: unknown }).result;
}

export interface RequestCounts {
  redis: number;
  kafka: number;
  qstash: number;
  total: number;
  /** Per emulator and endpoint, e.g. `kafka POST /produce`. */
  endpoints: Record<string, number>;
}

async function admin(stack: BenchStack, service: Service, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.urls[service]}/__emulator/${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const answer: unknown = await res.json();
  if (!res.ok) throw new Error(`${service} ${method} /__emulator/${path} answered ${res.status}`);
  return answer;
}

export async function resetCounts(stack: BenchStack): Promise<void> {
  await Promise.all(SERVICES.map((s) => admin(stack, s, "DELETE", "stats")));
}

export async function readCounts(stack: BenchStack): Promise<RequestCounts> {
  const answers = await Promise.all(SERVICES.map((s) => admin(stack, s, "GET", "stats")));
  const counts: RequestCounts = { redis: 0, kafka: 0, qstash: 0, total: 0, endpoints: {} };
  SERVICES.forEach((service, i) => {
    const { requests, total } = answers[i] as { requests: Record<string, number>; total: number };
    counts[service] = total;
    counts.total += total;
    for (const [endpoint, n] of Object.entries(requests)) counts.endpoints[`${service} ${endpoint}`] = n;
  });
  return counts;
}

/** Holds the next `count` requests to `path` on the QStash emulator for `ms` each before handling them. */
export async function delayQStash(stack: BenchStack, path: string, ms: number, count = 1): Promise<void> {
  await admin(stack, "qstash", "POST", "faults", { kind: "delay", count, ms, path });
}

/** Request faults still pending on the QStash emulator (cleared on the way). */
export async function takePendingQStashFaults(stack: BenchStack): Promise<number> {
  const { faults } = (await admin(stack, "qstash", "GET", "faults")) as { faults: unknown[] };
  if (faults.length > 0) await admin(stack, "qstash", "DELETE", "faults");
  return faults.length;
}

/** Holds the next Redis request whose body includes `marker` (a script's SHA-1, say) for `ms` before handling it. */
export async function delayRedis(stack: BenchStack, marker: string, ms: number): Promise<void> {
  await admin(stack, "redis", "POST", "faults", { kind: "delay", count: 1, ms, bodyIncludes: marker });
}

/** The markers (`bodyIncludes`) of the request faults still pending on the Redis emulator; `clear` drops them. */
export async function pendingRedisMarkers(stack: BenchStack, clear = false): Promise<string[]> {
  const { faults } = (await admin(stack, "redis", "GET", "faults")) as {
    faults: Array<{ bodyIncludes?: string }>;
  };
  if (clear && faults.length > 0) await admin(stack, "redis", "DELETE", "faults");
  return faults.map((fault) => fault.bodyIncludes ?? "");
}

/** Holds the next QStash delivery to a URL starting with `urlPrefix` for `ms` before it is attempted. */
export async function delayDelivery(stack: BenchStack, urlPrefix: string, ms: number): Promise<void> {
  await admin(stack, "qstash", "POST", "delivery-faults", { kind: "delay", count: 1, ms, urlPrefix });
}

export interface Deliveries {
  successes: number;
  pending: number;
  inFlight: number;
}

export async function deliveries(stack: BenchStack): Promise<Deliveries> {
  return (await admin(stack, "qstash", "GET", "deliveries")) as Deliveries;
}

/** Resolves once QStash has no message waiting or in flight. */
export async function qstashIdle(stack: BenchStack): Promise<void> {
  await until(
    "QStash to deliver everything",
    async () => ((await deliveries(stack)).pending === 0 ? true : undefined),
    { everyMs: 5 },
  );
}

async function getJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url} answered ${res.status}`);
  return res.json();
}

/** The next offset the log will write in partition 0 of the pair's topic (through the adapter off Kafka). */
export async function logHead(pair: DesignPair): Promise<number> {
  const config = eventLogConfig(pair.env);
  if (config.backend !== "upstash-kafka") return createEventLog(config).head(0);
  const auth = btoa(`${pair.env.UPSTASH_KAFKA_USERNAME}:${pair.env.UPSTASH_KAFKA_PASSWORD}`);
  const answer = await getJson(`${pair.env.UPSTASH_KAFKA_URL}/offsets/latest`, {
    method: "POST",
    headers: { authorization: `Basic ${auth}`, "content-type": "application/json" },
    body: JSON.stringify([{ topic: pair.topic, partition: 0 }]),
  });
  const entry = Array.isArray(answer) ? (answer[0] as { offset?: unknown } | undefined) : undefined;
  return typeof entry?.offset === "number" ? Math.max(0, entry.offset) : 0;
}

/**
 * The next offset the pair's projector will fold, as stored in Redis: ours in the live namespace's checkpoint hash
 * (the base prefix's pointer followed, as the workers do), the baseline's `GET offset` key. Never through ours'
 * public `/status`: that answer is kept a few seconds per isolate, so a wait on it would last until the copy
 * expires, not until the fold is done (ours' waits between quiet creates lasted 5 s where the baseline's took 10 ms).
 */
export async function checkpoint(pair: DesignPair): Promise<number> {
  const command = (...args: string[]) =>
    restCommand(pair.env.UPSTASH_REDIS_REST_URL, pair.env.UPSTASH_REDIS_REST_TOKEN, args);
  if (pair.design === "baseline") return Number((await command("GET", `${pair.prefix}:offset`)) ?? 0);
  // One request, as the baseline's: the pointer and the checkpoint it leads to, read together.
  return Number((await command("EVAL", LIVE_CHECKPOINT, "1", `${pair.prefix}:live`, pair.prefix)) ?? 0);
}

/**
 * The live namespace's checkpoint of partition 0: KEYS[1] the pointer, ARGV[1] the base prefix (no pointer). The
 * checkpoint's key is not in KEYS, as the workers' scripts must have it for Upstash: its name is known only once the
 * pointer is read, and this script runs on the bench's local redis-server alone.
 */
const LIVE_CHECKPOINT = `
local namespace = redis.call('GET', KEYS[1])
if not namespace or namespace == '' then namespace = ARGV[1] end
return redis.call('HGET', namespace .. ':checkpoint', '0')
`;

export interface Quiet {
  /** Pokes the bench had to send because the baseline's projector stopped short of the head by itself. */
  extraPokes: number;
}

/**
 * Waits until QStash has nothing pending and the pair's projection has reached the log head, so that the next
 * measurement starts on a quiet machine. The baseline's non-atomic projector can leave its offset behind the head
 * when concurrent pokes race (a later write of an older offset); then nothing would ever move it, so the bench
 * sends one more poke, as the next mutation would. Those pokes are counted.
 */
export async function quiesce(stack: BenchStack, pair: DesignPair): Promise<Quiet> {
  let extraPokes = 0;
  await sleep(5);
  await qstashIdle(stack);
  const head = await logHead(pair);
  await until(
    `${pair.design} projection to reach offset ${head}`,
    async () => {
      if ((await checkpoint(pair)) >= head) return true;
      await qstashIdle(stack);
      if ((await checkpoint(pair)) >= head) return true;
      if (pair.design === "baseline") {
        extraPokes++;
        await poke(pair);
      }
      return undefined;
    },
    { everyMs: 50 },
  );
  await qstashIdle(stack);
  return { extraPokes };
}

/** Projects everything in the pair's topic now (see `wakeToHead`), and waits until the pair is quiet. */
export async function projectAll(stack: BenchStack, pair: DesignPair): Promise<void> {
  await wakeToHead(pair, await logHead(pair));
  await quiesce(stack, pair);
}

/**
 * Wakes the pair's projector to fold up to `head`: ours by one signed poke (it re-pokes itself through QStash while
 * work is left), the baseline by pokes back to back, one fetch each, until its offset reaches `head`. Returns the
 * pokes it sent.
 */
export async function wakeToHead(pair: DesignPair, head: number): Promise<number> {
  if (pair.design === "ours") {
    await poke(pair);
    return 1;
  }
  for (let pokes = 1; ; pokes++) {
    const answer = (await poke(pair)) as { offset: number; count: number };
    if (answer.offset >= head || answer.count === 0) return pokes;
  }
}
