/**
 * Contract: Redpanda's HTTP Proxy produce and stateless partition fetch, spoken with plain fetch as Redpanda's
 * own tests speak it (src/v/pandaproxy/rest/test/{produce,fetch}.cc). The traps a client must survive are
 * asserted exactly: one offset entry per partition batch, and whole batches from below the asked offset.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { startRedpandaEmulator } from "../../local/redpanda/rest";
import {
  BINARY,
  b64,
  basicAuth,
  JSON_FORMAT,
  proxyClient,
  useRedpanda,
  V2,
} from "./support/redpanda-fixture";
import { useTempDirs } from "./support/temp-dirs";

const USER = "redpanda-pf-user";
const PASS = "redpanda-pf-pass";
const proxy = useRedpanda({
  name: "redpanda-pf",
  username: USER,
  password: PASS,
  defaultPartitions: 2,
  maxBatchBytes: 4096,
});
const { client } = proxy;
const tempDir = useTempDirs("redpanda-pf-own-");

const unique = (name: string) => `${name}-${randomUUID()}`;
const record = (topic: string, offset: number, value: string, key: string | null = null, partition = 0) => ({
  topic,
  key: key === null ? null : b64(key),
  value: b64(value),
  partition,
  offset,
});

/** Batches are runs of records stored in the same millisecond: make the next produce a batch of its own. */
async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() === now) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Redpanda's fetch test: a batch of three at 0-2, then a batch of one at 3. */
async function twoBatches(topic: string): Promise<void> {
  await client.produce(topic, [
    { value: "a", partition: 0 },
    { value: "b", partition: 0 },
    { value: "c", partition: 0 },
  ]);
  await nextMillisecond();
  await client.produce(topic, [{ value: "d", partition: 0 }]);
}

describe("produce", () => {
  test("produce: one request to one partition answers one entry, the base offset of its batch", async () => {
    const topic = unique("base");
    const first = await client.produce(topic, [
      { value: "a", partition: 0 },
      { value: "b", partition: 0 },
      { value: "c", partition: 0 },
    ]);
    expect(first).toEqual({ status: 200, contentType: V2, body: { offsets: [{ partition: 0, offset: 0 }] } });
    const second = await client.produce(topic, [{ value: "d", partition: 0 }]);
    expect(second.body).toEqual({ offsets: [{ partition: 0, offset: 3 }] });
  });

  test("produce: records for two partitions answer one entry per partition, in order of first appearance", async () => {
    const topic = unique("two");
    await client.produce(topic, [{ value: "x", partition: 1 }]);
    const answer = await client.produce(topic, [
      { value: "a", partition: 1 },
      { value: "b", partition: 0 },
      { value: "c", partition: 1 },
    ]);
    expect(answer.body).toEqual({
      offsets: [
        { partition: 1, offset: 1 },
        { partition: 0, offset: 0 },
      ],
    });
    expect((await client.fetchRecords(topic, 1, 0)).body).toEqual([
      record(topic, 0, "x", null, 1),
      record(topic, 1, "a", null, 1),
      record(topic, 2, "c", null, 1),
    ]);
  });

  test("produce: a partition the topic does not have gets Kafka error 3 and offset -1 in a 200 answer", async () => {
    const topic = unique("nopart");
    await client.produce(topic, [{ value: "a", partition: 0 }]);
    const answer = await client.produce(topic, [
      { value: "b", partition: 0 },
      { value: "c", partition: 7 },
    ]);
    expect(answer).toEqual({
      status: 200,
      contentType: V2,
      body: {
        offsets: [
          { partition: 0, offset: 1 },
          { partition: 7, error_code: 3, offset: -1 },
        ],
      },
    });
  });

  test("produce: a batch over the size limit gets Kafka error 10 and stores nothing", async () => {
    const topic = unique("large");
    await client.produce(topic, [{ value: "small", partition: 0 }]);
    const big = await client.produce(topic, [{ value: "x".repeat(5000), partition: 0 }]);
    expect(big.body).toEqual({ offsets: [{ partition: 0, error_code: 10, offset: -1 }] });
    expect((await client.produce(topic, [{ value: "next", partition: 0 }])).body).toEqual({
      offsets: [{ partition: 0, offset: 1 }],
    });
  });

  test("produce: keys and values round-trip byte for byte, Unicode and non-UTF-8 bytes alike", async () => {
    const topic = unique("bytes");
    const raw = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x80]).toString("base64");
    const text = 'Ünïcödé ✓ 🐼 \u2028 "quoted"';
    await client.call("POST", `/topics/${topic}`, {
      headers: { "content-type": BINARY },
      body: JSON.stringify({
        records: [
          { key: raw, value: b64(text), partition: 0 },
          { value: raw, partition: 0 },
        ],
      }),
    });
    expect((await client.fetchRecords(topic, 0, 0)).body).toEqual([
      { topic, key: raw, value: b64(text), partition: 0, offset: 0 },
      { topic, key: null, value: raw, partition: 0, offset: 1 },
    ]);
  });

  test("produce: with auto-creation off, an unknown topic gets Kafka error 3; a topic created at start works", async () => {
    const emulator = await startRedpandaEmulator({
      port: 0,
      username: USER,
      password: PASS,
      dataDir: tempDir(),
      autoCreateTopics: false,
      topics: ["made"],
    });
    try {
      const own = proxyClient(() => emulator.url, basicAuth(USER, PASS));
      expect((await own.produce("absent", [{ value: "a", partition: 0 }])).body).toEqual({
        offsets: [{ partition: 0, error_code: 3, offset: -1 }],
      });
      expect((await own.fetchRecords("absent", 0, 0)).status).toBe(404);
      expect((await own.produce("made", [{ value: "a", partition: 0 }])).body).toEqual({
        offsets: [{ partition: 0, offset: 0 }],
      });
    } finally {
      await emulator.close();
    }
  });
});

describe("fetch", () => {
  test("fetch: an offset inside a batch answers that whole batch, records below the offset included", async () => {
    const topic = unique("whole");
    await twoBatches(topic);
    const all = [record(topic, 0, "a"), record(topic, 1, "b"), record(topic, 2, "c"), record(topic, 3, "d")];
    expect(await client.fetchRecords(topic, 0, 2, 1024)).toEqual({
      status: 200,
      contentType: BINARY,
      body: all,
    });
    expect((await client.fetchRecords(topic, 0, 3, 1024)).body).toEqual([record(topic, 3, "d")]);
    expect((await client.fetchRecords(topic, 0, 0, 1024)).body).toEqual(all);
  });

  test("fetch: max_bytes stops before a batch that does not fit, but never before the first one", async () => {
    const topic = unique("bytes-limit");
    await twoBatches(topic);
    expect((await client.fetchRecords(topic, 0, 1, 1)).body).toEqual([
      record(topic, 0, "a"),
      record(topic, 1, "b"),
      record(topic, 2, "c"),
    ]);
    expect((await client.fetchRecords(topic, 0, 3, 1)).body).toEqual([record(topic, 3, "d")]);
  });

  test("fetch: at the end it answers [] once its timeout has passed", async () => {
    const topic = unique("end");
    await client.produce(topic, [{ value: "a", partition: 0 }]);
    expect(await client.fetchRecords(topic, 0, 1, 1024, 50)).toEqual({
      status: 200,
      contentType: BINARY,
      body: [],
    });
  });

  test("fetch: waiting at the end, it answers the record produced meanwhile", async () => {
    const topic = unique("wait");
    await client.produce(topic, [{ value: "a", partition: 0 }]);
    const waiting = client.fetchRecords(topic, 0, 1, 1024, 20_000);
    await client.produce(topic, [{ value: "b", partition: 0 }]);
    expect((await waiting).body).toEqual([record(topic, 1, "b")]);
  });

  test("fetch: past the end is Kafka's offset_out_of_range, 400 with code 40002", async () => {
    const topic = unique("past");
    await client.produce(topic, [{ value: "a", partition: 0 }]);
    expect(await client.fetchRecords(topic, 0, 2)).toEqual({
      status: 400,
      contentType: V2,
      body: { error_code: 40002, message: "offset_out_of_range" },
    });
    expect((await client.fetchRecords(topic, 0, -1)).body).toEqual({
      error_code: 40002,
      message: "offset_out_of_range",
    });
  });

  test("fetch: an unknown topic or partition is 404 with code 40402", async () => {
    const topic = unique("known");
    await client.produce(topic, [{ value: "a", partition: 0 }]);
    const missing = {
      status: 404,
      contentType: V2,
      body: { error_code: 40402, message: "unknown_topic_or_partition" },
    };
    expect(await client.fetchRecords(unique("unknown"), 0, 0)).toEqual(missing);
    expect(await client.fetchRecords(topic, 2, 0)).toEqual(missing);
  });

  test("fetch: the json embedded format round-trips JSON keys and values", async () => {
    const topic = unique("json");
    const produced = await client.call("POST", `/topics/${topic}`, {
      headers: { "content-type": JSON_FORMAT },
      body: JSON.stringify({
        records: [
          { key: "task-1", value: { object: ["vectorized"] }, partition: 0 },
          { value: 42, partition: 0 },
        ],
      }),
    });
    expect(produced.body).toEqual({ offsets: [{ partition: 0, offset: 0 }] });
    const asJson = await client.call(
      "GET",
      `/topics/${topic}/partitions/0/records?offset=1&timeout=0&max_bytes=1024`,
      {
        headers: { accept: JSON_FORMAT },
      },
    );
    expect(asJson).toEqual({
      status: 200,
      contentType: JSON_FORMAT,
      body: [
        { topic, key: "task-1", value: { object: ["vectorized"] }, partition: 0, offset: 0 },
        { topic, key: null, value: 42, partition: 0, offset: 1 },
      ],
    });
    expect((await client.fetchRecords(topic, 0, 0)).body).toEqual([
      { topic, key: b64('"task-1"'), value: b64('{"object":["vectorized"]}'), partition: 0, offset: 0 },
      { topic, key: null, value: b64("42"), partition: 0, offset: 1 },
    ]);
  });

  test("fetch: bytes that are not JSON, fetched as json, fail the fetch with 408 and code 40801", async () => {
    const topic = unique("not-json");
    await client.produce(topic, [{ value: "plain text", partition: 0 }]);
    const answer = await client.call(
      "GET",
      `/topics/${topic}/partitions/0/records?offset=0&timeout=0&max_bytes=1024`,
      {
        headers: { accept: JSON_FORMAT },
      },
    );
    expect(answer).toEqual({
      status: 408,
      contentType: V2,
      body: {
        error_code: 40801,
        message: `Unable to serialize value of record at offset 0 in topic:partition ${topic}:0`,
      },
    });
  });
});
