/**
 * The floor: what one bare request costs through the same emulators, sent from the bench itself with no worker
 * in between. A bare produce of one event (what our createTask's critical path is made of) and a bare Redis
 * script call (what our list is made of); and, to tell the worker's share apart, the hop to a worker alone
 * (`GET /health` of our command worker: the client → workerd request with no upstream call); and both together, a
 * bare worker that appends the record through our event-log adapter and answers (bench/floor-worker.ts).
 */
import { buildBacklog } from "./backlog";
import type { BenchStack } from "./system";

export interface Floor {
  produce(): Promise<void>;
  script(): Promise<void>;
  /** `GET /health` of a worker: set by `hopTo` once the workers run. */
  hop(): Promise<void>;
  hopTo(commandUrl: string): void;
  /** One record appended by the bare worker (the hop and the produce from inside workerd): set by `appendAt`. */
  append(): Promise<void>;
  appendAt(workerUrl: string): void;
}

async function ok(res: Response, what: string): Promise<unknown> {
  const body: unknown = await res.json();
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Prepares both bare requests on their own topic and loaded script. */
export async function createFloor(stack: BenchStack): Promise<Floor> {
  const env = stack.env;
  const kafkaAuth = `Basic ${btoa(`${env.UPSTASH_KAFKA_USERNAME}:${env.UPSTASH_KAFKA_PASSWORD}`)}`;
  const redisAuth = `Bearer ${env.UPSTASH_REDIS_REST_TOKEN}`;
  const [event] = buildBacklog("ours", { events: 1 }, "floor");
  if (!event) throw new Error("no floor event");
  const record = JSON.stringify([{ topic: "bench-floor", partition: 0, key: event.key, value: event.value }]);
  const loaded = await ok(
    await fetch(`${env.UPSTASH_REDIS_REST_URL}/`, {
      method: "POST",
      headers: { authorization: redisAuth },
      body: JSON.stringify(["SCRIPT", "LOAD", "return 1"]),
    }),
    "SCRIPT LOAD",
  );
  const sha = (loaded as { result: string }).result;
  const evalsha = JSON.stringify(["EVALSHA", sha, "0"]);
  let health: string | undefined;
  let appendUrl: string | undefined;
  const appended = JSON.stringify({ key: event.key, value: event.value });
  return {
    appendAt(workerUrl) {
      appendUrl = workerUrl;
    },
    async append() {
      if (!appendUrl) throw new Error("floor.append needs appendAt(workerUrl) first");
      await ok(await fetch(appendUrl, { method: "POST", body: appended }), "bare append worker");
    },
    hopTo(commandUrl) {
      health = `${commandUrl}/health`;
    },
    async hop() {
      if (!health) throw new Error("floor.hop needs hopTo(commandUrl) first");
      await ok(await fetch(health), "GET /health");
    },
    async produce() {
      await ok(
        await fetch(`${env.UPSTASH_KAFKA_URL}/produce`, {
          method: "POST",
          headers: { authorization: kafkaAuth, "content-type": "application/json" },
          body: record,
        }),
        "bare produce",
      );
    },
    async script() {
      await ok(
        await fetch(`${env.UPSTASH_REDIS_REST_URL}/`, {
          method: "POST",
          headers: { authorization: redisAuth },
          body: evalsha,
        }),
        "bare EVALSHA",
      );
    },
  };
}
