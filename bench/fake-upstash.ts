/**
 * Answers the Upstash REST, Kafka REST and QStash requests of a `createTask` as the emulators answer them on a
 * fresh stack, without any I/O: for the benchmarks that measure the command worker's own CPU (command-cpu.ts in
 * this process, workerd-profile.ts in workerd).
 */

export const FAKE_ORIGINS = {
  redis: "http://redis.bench",
  kafka: "http://kafka.bench",
  qstash: "http://qstash.bench",
} as const;

/** The command worker's bindings over the fake services (the default list open, as the original API has it). */
export const FAKE_BINDINGS = {
  EVENT_LOG: "upstash-kafka",
  EVENT_LOG_PARTITIONS: "1",
  UPSTASH_REDIS_REST_URL: FAKE_ORIGINS.redis,
  UPSTASH_REDIS_REST_TOKEN: "bench",
  UPSTASH_KAFKA_REST_URL: FAKE_ORIGINS.kafka,
  UPSTASH_KAFKA_USERNAME: "bench",
  UPSTASH_KAFKA_PASSWORD: "bench",
  UPSTASH_KAFKA_TOPIC: "events",
  QSTASH_URL: FAKE_ORIGINS.qstash,
  QSTASH_TOKEN: "bench",
  PROJECTOR_URL: "http://127.0.0.1:9/projection",
  PUBLIC_DEFAULT_LIST: "true",
} as const;

/** One Redis command's answer as the emulator gives it on a fresh stack (the commit script's success is 1). */
function redisAnswer(command: unknown[]): unknown {
  const [name, , , key] = command;
  if (name === "get") return null;
  if (name === "hgetall") return [];
  // The log identity claim answers the identity it was given (its last argument).
  if (typeof key === "string" && key.endsWith("log-identity")) return command[command.length - 1];
  return 1;
}

/** A request body as the fake services read it: its JSON, or its text when it is no JSON (a poke's). */
export function bodyOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What a request to one of the fake services is answered, as JSON; undefined for any other origin. */
export function fakeAnswer(url: URL, body: unknown, offsets: { next: number }): unknown {
  if (url.origin === FAKE_ORIGINS.redis) {
    if (url.pathname === "/pipeline" || url.pathname === "/multi-exec")
      return (body as unknown[][]).map((command) => ({ result: redisAnswer(command) }));
    return { result: redisAnswer(body as unknown[]) };
  }
  if (url.origin === FAKE_ORIGINS.kafka) {
    const records = body as Array<{ topic: string; partition: number }>;
    return records.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: offsets.next++,
      timestamp: 1,
    }));
  }
  if (url.origin === FAKE_ORIGINS.qstash)
    return { messageId: `msg_${offsets.next}`, url: "http://projector.bench/projection" };
  return undefined;
}

/** The command app's fetch handler, as the in-process benchmarks drive it. */
export interface CommandApp {
  request(
    url: string,
    init: RequestInit,
    env: Record<string, unknown>,
    ctx: { waitUntil(p: Promise<unknown>): void; passThroughOnException(): void; props: object },
  ): Response | Promise<Response>;
}

/**
 * Posts GraphQL operations to `app` with `env`, awaiting each one's background work (a write's commit and poke)
 * before answering its status and body, so the next one starts on a quiet isolate.
 */
export function graphqlSender(
  app: CommandApp,
  env: Record<string, unknown>,
): (operation: {
  query: string;
  variables?: Record<string, unknown>;
}) => Promise<{ status: number; body: string }> {
  const background: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void background.push(p),
    passThroughOnException() {},
    props: {},
  };
  return async (operation) => {
    const res = await app.request(
      "http://command.test/graphql",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(operation) },
      env,
      ctx,
    );
    const body = await res.text();
    while (background.length > 0) await Promise.all(background.splice(0));
    return { status: res.status, body };
  };
}
