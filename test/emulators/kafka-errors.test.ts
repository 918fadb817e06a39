/**
 * Error answers of the Kafka REST emulator, driven with raw fetch because the official client retries every
 * failure for about 15 s. Every answer is JSON `{error, status}` with a reason, and bad input appends nothing.
 * Also: Latin-1 Basic auth as the client encodes it, and fault injection on /produce.
 */
import { randomUUID } from "node:crypto";
import { Kafka } from "@upstash/kafka";
import { describe, expect, test } from "vitest";
import { startKafkaEmulator } from "../../local/kafka/rest";
import { basicAuth, useKafka } from "./support/kafka-fixture";
import { useTempDirs } from "./support/temp-dirs";

const USER = "kafka-errors-user";
const PASS = "kafka-errors-pass";
const AUTH = basicAuth(USER, PASS);

const broker = useKafka({ name: "kafka-errors", username: USER, password: PASS, defaultPartitions: 2 });
/** Data folders of emulators a test starts for itself. */
const tempDir = useTempDirs("kafka-latin1-");

const topicName = (name: string) => `${name}-${randomUUID()}`;

interface Answer {
  status: number;
  body: unknown;
}

/** Sends `body` as is when it is a string, else as JSON; answers the status and the parsed JSON body. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: AUTH },
): Promise<Answer> {
  const res = await fetch(`${broker.emulator.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

/** Asserts an error answer with `status` whose message matches `reason`. */
function expectError(answer: Answer, status: number, reason: RegExp): void {
  const error = (answer.body as { error?: unknown }).error;
  expect(answer).toEqual({ status, body: { error, status } });
  expect(String(error)).toMatch(reason);
}

async function latest(topic: string, partition = 0): Promise<unknown> {
  return (await call("POST", "/offsets/latest", [{ topic, partition }])).body;
}

describe("authentication", () => {
  test("any route: missing or wrong Basic credentials are 401 JSON", async () => {
    const wrong = `Basic ${Buffer.from(`${USER}:nope`).toString("base64")}`;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: wrong },
      { authorization: `Bearer ${PASS}` },
    ];
    for (const headers of attempts) {
      expectError(await call("GET", "/topics", undefined, headers), 401, /Unauthorized/);
      expectError(await call("POST", "/produce", { topic: "t", value: "v" }, headers), 401, /Unauthorized/);
    }
    expect(broker.emulator.storage.topic("t")).toBeUndefined();
  });

  test("auth: Latin-1 credentials as the official client encodes them are accepted", async () => {
    const latinDir = tempDir();
    const password = "päss:wörd";
    const latin = await startKafkaEmulator({ port: 0, username: "üser", password, dataDir: latinDir });
    try {
      const kafka = new Kafka({ url: latin.url, username: "üser", password });
      const topic = topicName("latin1");
      expect(await kafka.producer().produce(topic, "v", { timestamp: 1 })).toEqual({
        topic,
        partition: 0,
        offset: 0,
        timestamp: 1,
      });
      const utf8 = `Basic ${Buffer.from(`üser:${password}`, "utf8").toString("base64")}`;
      const res = await fetch(`${latin.url}/topics`, { headers: { authorization: utf8 } });
      expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { [topic]: 1 } });
    } finally {
      await latin.close();
    }
  });
});

describe("bad requests", () => {
  test("produce: malformed JSON is 400 with the parser's reason", async () => {
    expectError(await call("POST", "/produce", '{"topic": "t", "value": '), 400, /malformed JSON body/);
    expectError(await call("POST", "/fetch", "[1, 2"), 400, /malformed JSON body/);
  });

  test("produce: an invalid topic name is 400 and nothing is created", async () => {
    const invalid = ["", ".", "..", "a/b", "sp ace", "ü", "x".repeat(250)];
    for (const topic of [...invalid, 42, null]) {
      expectError(await call("POST", "/produce", { topic, value: "v" }), 400, /topic/);
    }
    expectError(await call("POST", "/produce/bad%20name", { value: "v" }), 400, /illegal/);
    expectError(await call("POST", "/fetch", { topic: "a/b", partition: 0, offset: 0 }), 400, /illegal/);
    expectError(await call("POST", "/consume/g/i", { topic: ".." }), 400, /cannot be/);
    const topics = Object.keys((await call("GET", "/topics")).body as object);
    expect(topics.filter((t) => invalid.includes(t) || t === "bad name")).toEqual([]);
  });

  test("produce and fetch: a partition outside the topic's range is 400", async () => {
    const topic = topicName("range");
    expectError(
      await call("POST", "/produce", { topic, value: "v", partition: 2 }),
      400,
      /partition 2 is out of range/,
    );
    expect(broker.emulator.storage.topic(topic)).toBeUndefined();
    expect((await call("POST", "/produce", { topic, value: "v", partition: 1 })).status).toBe(200);
    expectError(await call("POST", "/fetch", { topic, partition: 5, offset: 0 }), 400, /out of range/);
    expectError(await call("POST", "/offsets/earliest", [{ topic, partition: 2 }]), 400, /out of range/);
    expectError(await call("POST", "/committed/g/i", [{ topic, partition: 3 }]), 400, /out of range/);
  });

  test("fetch: an offset below 0 or not an integer is 400", async () => {
    const topic = topicName("negative");
    await call("POST", "/produce", { topic, value: "v" });
    expectError(
      await call("POST", "/fetch", { topic, partition: 0, offset: -1 }),
      400,
      /offset must be a non-negative/,
    );
    expectError(await call("POST", "/fetch", { topic, partition: 0, offset: 1.5 }), 400, /offset/);
    expectError(await call("POST", "/fetch", { topic, partition: "0", offset: 0 }), 400, /partition/);
    expectError(
      await call("POST", "/fetch", { topic, partition: 0, offset: 0, timeout: -5 }),
      400,
      /timeout/,
    );
  });

  test("produce: a batch with one malformed message is 400 and appends nothing", async () => {
    const topic = topicName("batch");
    const good = { topic, value: "ok", partition: 0 };
    const bad: [unknown, RegExp][] = [
      [{ topic, value: 42 }, /value must be a string/],
      [{ topic, value: { a: 1 } }, /value must be a string/],
      [{ topic }, /value must be a string/],
      [{ topic, value: "v", key: 7 }, /key must be a string/],
      [{ topic, value: "v", partition: 0.5 }, /partition must be a non-negative integer/],
      [{ topic, value: "v", partition: -1 }, /partition must be a non-negative integer/],
      [{ topic, value: "v", timestamp: "now" }, /timestamp/],
      [{ topic, value: "v", headers: { k: "v" } }, /headers must be an array/],
      [{ topic, value: "v", headers: [{ key: "k", value: 1 }] }, /headers\[0\]/],
      [{ topic, value: "v", headers: ["k"] }, /headers\[0\]/],
      ["just a string", /must be a JSON object/],
      [null, /must be a JSON object/],
    ];
    for (const [message, reason] of bad) {
      expectError(await call("POST", "/produce", [good, message]), 400, reason);
    }
    expectError(await call("POST", "/produce", "42"), 400, /body must be a message object/);
    expectError(await call("POST", "/produce", ""), 400, /body must be a message object/);
    expect(await latest(topic)).toEqual([{ topic, partition: 0, offset: 0 }]);
  });

  test("any route: after a burst of malformed requests of every kind, a normal produce still works", async () => {
    const topic = topicName("survivor");
    await call("POST", "/produce", { topic, value: "before", partition: 0 });
    const garbage: [string, string, unknown][] = [
      ["POST", "/produce", "{{{"],
      ["POST", "/produce", "[{}]"],
      ["POST", "/fetch", "null"],
      ["POST", "/fetch", { topicPartitionOffsets: "all" }],
      ["POST", "/fetch", { partition: 0 }],
      ["POST", "/offsets/yesterday", [{ topic, partition: 0 }]],
      ["POST", "/offsets/latest", { topic: 1 }],
      ["POST", "/consume/g/i", {}],
      ["POST", "/consume/g/i", { topics: [] }],
      ["POST", "/commit/g/i", [{ topic, partition: 0, offset: -2 }]],
      ["POST", "/committed/g/i", "true"],
      ["POST", "/produce/\u00e9", { value: "v" }],
      ["POST", "/produce", "\u0000\u0001"],
    ];
    const statuses = [];
    for (const [method, path, body] of garbage) statuses.push((await call(method, path, body)).status);
    expect(statuses).toEqual(garbage.map(() => 400));
    expect(await call("POST", "/produce", { topic, value: "after", partition: 0, timestamp: 9 })).toEqual({
      status: 200,
      body: [{ topic, partition: 0, offset: 1, timestamp: 9 }],
    });
  });

  test("consume: invalid Kafka-* headers on the creating call are 400", async () => {
    const topic = topicName("headers");
    const headers = (h: Record<string, string>) => ({ authorization: AUTH, ...h });
    expectError(
      await call("POST", "/consume/g/i-bad", { topic }, headers({ "kafka-enable-auto-commit": "yes" })),
      400,
      /Kafka-Enable-Auto-Commit/,
    );
    expectError(
      await call("POST", "/consume/g/i-bad", { topic }, headers({ "kafka-auto-offset-reset": "start" })),
      400,
      /Kafka-Auto-Offset-Reset/,
    );
    expectError(
      await call("POST", "/consume/g/i-bad", { topic }, headers({ "kafka-auto-commit-interval": "soon" })),
      400,
      /Kafka-Auto-Commit-Interval/,
    );
  });

  test("commit: without a body, for an instance that does not exist, is 404", async () => {
    expectError(await call("POST", `/commit/${topicName("g")}/nobody`), 404, /does not exist/);
  });
});

describe("routing", () => {
  test("any route: unknown paths and wrong segment counts are 404 JSON", async () => {
    expectError(await call("GET", "/nope"), 404, /no such endpoint/);
    expectError(await call("GET", "/topics/"), 404, /no such endpoint/);
    // The client does not encode path segments: group "g/1" makes an extra segment, which must not match.
    expectError(await call("POST", "/commit/g/1/i"), 404, /no such endpoint/);
    expectError(await call("POST", "/committed/g/1/i", []), 404, /no such endpoint/);
    expectError(await call("POST", "/consume//i", { topic: "t" }), 404, /no such endpoint/);
  });

  test("any route: a known path with the wrong method is 405 JSON", async () => {
    expectError(await call("GET", "/fetch"), 405, /use POST/);
    expectError(await call("POST", "/topics"), 405, /use GET/);
    // A group id with "/" in a POST consume lands on the GET-only path-style route: an error, not a consume.
    expectError(await call("POST", "/consume/g/1/i", { topic: "t" }), 405, /use GET/);
  });

  test("stats: requests are counted under their route's name", async () => {
    broker.emulator.resetStats();
    await call("POST", "/fetch", { topic: topicName("stats"), partition: 0, offset: 0, timeout: 0 });
    await call("POST", "/consume/g/i/too/many", {});
    expect(broker.emulator.stats()).toEqual({ "POST /fetch": 1, "POST (no route)": 1 });
  });
});

describe("fault injection", () => {
  test("produce: an injected failure answers 503 and appends nothing", async () => {
    const topic = topicName("fault-fail");
    await call("POST", "/__emulator/faults", { kind: "fail", path: "/produce", bodyIncludes: topic });
    expectError(
      await call("POST", "/produce", { topic, value: "lost", partition: 0 }),
      503,
      /injected fault/,
    );
    expect(await latest(topic)).toEqual([{ topic, partition: 0, offset: 0 }]);
    expect(await call("POST", "/produce", { topic, value: "kept", partition: 0, timestamp: 1 })).toEqual({
      status: 200,
      body: [{ topic, partition: 0, offset: 0, timestamp: 1 }],
    });
  });

  test("produce: the official client retries an injected failure; the record is appended once", async () => {
    const topic = topicName("fault-retry");
    await call("POST", "/__emulator/faults", { kind: "fail", path: "/produce", bodyIncludes: topic });
    const kafka = new Kafka({ url: broker.emulator.url, username: USER, password: PASS });
    expect(await kafka.producer().produce(topic, "v", { partition: 1, timestamp: 2 })).toEqual({
      topic,
      partition: 1,
      offset: 0,
      timestamp: 2,
    });
    expect(await latest(topic, 1)).toEqual([{ topic, partition: 1, offset: 1 }]);
  });

  test("produce: an injected delay appends late but appends", async () => {
    const topic = topicName("fault-delay");
    await call("POST", "/__emulator/faults", {
      kind: "delay",
      ms: 100,
      path: "/produce",
      bodyIncludes: topic,
    });
    expect(await call("POST", "/produce", { topic, value: "late", partition: 0, timestamp: 3 })).toEqual({
      status: 200,
      body: [{ topic, partition: 0, offset: 0, timestamp: 3 }],
    });
    const fetched = await call("POST", "/fetch", { topic, partition: 0, offset: 0, timeout: 0 });
    expect(fetched.body).toEqual([
      { topic, partition: 0, offset: 0, timestamp: 3, key: "", value: "late", headers: [] },
    ]);
  });

  test("GET /__emulator/storage: topics and group-commit counters", async () => {
    const topic = topicName("storage-stats");
    await call("POST", "/produce", [
      { topic, value: "a" },
      { topic, value: "b" },
    ]);
    const answer = (await call("GET", "/__emulator/storage")) as {
      status: number;
      body: { topics: Record<string, number>; fsyncs: number; records: number };
    };
    expect(answer.status).toBe(200);
    expect(answer.body.topics[topic]).toBe(2);
    expect(answer.body.records).toBeGreaterThanOrEqual(2);
    expect(answer.body.fsyncs).toBeLessThanOrEqual(answer.body.records);
  });
});
