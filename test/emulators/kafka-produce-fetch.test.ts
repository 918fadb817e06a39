/**
 * Contract: the unmodified @upstash/kafka client produces, fetches and reads offsets and topics against the
 * Kafka REST emulator exactly as it did against Upstash (docs/protocols.md#upstash-kafka-rest). Each test uses its own topic.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { basicAuth, useKafka } from "./support/kafka-fixture";

const USER = "kafka-contract-user";
const PASS = "kafka-contract-pass";
const AUTH = basicAuth(USER, PASS);
const PARTITIONS = 3;
const MAX_FETCH = 20;

const broker = useKafka({
  name: "kafka-contract",
  username: USER,
  password: PASS,
  defaultPartitions: PARTITIONS,
  maxFetchRecords: MAX_FETCH,
});

/** A topic no other test uses. */
const topicName = (name: string) => `${name}-${randomUUID()}`;

describe("produce", () => {
  test("produce: answers the record's metadata; offsets start at 0 per partition", async () => {
    const topic = topicName("produce-one");
    const producer = broker.kafka.producer();
    expect(await producer.produce(topic, "a", { partition: 0, timestamp: 1000 })).toEqual({
      topic,
      partition: 0,
      offset: 0,
      timestamp: 1000,
    });
    expect(await producer.produce(topic, "b", { partition: 0, timestamp: 1001 })).toEqual({
      topic,
      partition: 0,
      offset: 1,
      timestamp: 1001,
    });
    expect(await producer.produce(topic, "c", { partition: 2, timestamp: 1002 })).toEqual({
      topic,
      partition: 2,
      offset: 0,
      timestamp: 1002,
    });
  });

  test("produce: without a timestamp the record gets the current epoch milliseconds", async () => {
    const topic = topicName("produce-now");
    const before = Date.now();
    const answer = await broker.kafka.producer().produce(topic, "now", { partition: 1 });
    const after = Date.now();
    expect(answer).toEqual({ topic, partition: 1, offset: 0, timestamp: answer.timestamp });
    expect(answer.timestamp).toBeGreaterThanOrEqual(before);
    expect(answer.timestamp).toBeLessThanOrEqual(after);
  });

  test("produceMany: answers an array in request order across topics and partitions", async () => {
    const [t1, t2] = [topicName("many-1"), topicName("many-2")];
    const answer = await broker.kafka.producer().produceMany([
      { topic: t1, value: "a", partition: 1, timestamp: 5 },
      { topic: t2, value: { json: true }, partition: 0, timestamp: 6 },
      { topic: t1, value: "b", partition: 1, timestamp: 7 },
      { topic: t1, value: "c", partition: 0, timestamp: 8 },
    ]);
    expect(answer).toEqual([
      { topic: t1, partition: 1, offset: 0, timestamp: 5 },
      { topic: t2, partition: 0, offset: 0, timestamp: 6 },
      { topic: t1, partition: 1, offset: 1, timestamp: 7 },
      { topic: t1, partition: 0, offset: 0, timestamp: 8 },
    ]);
  });

  test("produce: a keyed message without a partition goes to murmur2(key) mod partitions, like Kafka", async () => {
    const topic = topicName("keyed");
    // Signed murmur2 values from Kafka's UtilsTest; Kafka's partitioner takes (h & 0x7fffffff) % partitions.
    const vectors: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["abc", 479470107],
    ];
    for (const [key, hash] of vectors) {
      const answer = await broker.kafka.producer().produce(topic, key, { key });
      expect(answer.partition).toBe((hash & 0x7fffffff) % PARTITIONS);
    }
  });

  test("produce: un-keyed messages without a partition are spread round-robin", async () => {
    const topic = topicName("round-robin");
    const answers = await broker.kafka
      .producer()
      .produceMany(Array.from({ length: 6 }, (_, i) => ({ topic, value: `v${i}`, timestamp: i })));
    expect(answers).toEqual([
      { topic, partition: 0, offset: 0, timestamp: 0 },
      { topic, partition: 1, offset: 0, timestamp: 1 },
      { topic, partition: 2, offset: 0, timestamp: 2 },
      { topic, partition: 0, offset: 1, timestamp: 3 },
      { topic, partition: 1, offset: 1, timestamp: 4 },
      { topic, partition: 2, offset: 1, timestamp: 5 },
    ]);
  });

  test('produce: key and headers round-trip; absent ones read as "" and []', async () => {
    const topic = topicName("key-headers");
    const headers = [
      { key: "h1", value: "v1" },
      { key: "h1", value: "repeated" },
      { key: "ünï", value: "" },
    ];
    await broker.kafka
      .producer()
      .produce(topic, "with", { partition: 0, key: "task-1", headers, timestamp: 10 });
    await broker.kafka.producer().produce(topic, "without", { partition: 0, timestamp: 11 });
    const messages = await broker.kafka.consumer().fetch({ topic, partition: 0, offset: 0, timeout: 0 });
    expect(messages).toEqual([
      { topic, partition: 0, offset: 0, timestamp: 10, key: "task-1", value: "with", headers },
      { topic, partition: 0, offset: 1, timestamp: 11, key: "", value: "without", headers: [] },
    ]);
  });

  test("produce: URL-hostile, non-ASCII and JSON text round-trips byte for byte", async () => {
    const topic = topicName("hostile");
    const hostile = `/?#&%+ "'\n\u00e9\u{1F600}\\u0000 {"a":[1,"}"]}`;
    const json = { text: hostile, list: [1, null, "%2F"] };
    await broker.kafka.producer().produce(topic, hostile, { partition: 0, key: hostile, timestamp: 1 });
    await broker.kafka
      .producer()
      .produce(topic, json, { partition: 0, headers: [{ key: hostile, value: hostile }], timestamp: 2 });
    const messages = await broker.kafka.consumer().fetch({ topic, partition: 0, offset: 0, timeout: 0 });
    expect(messages).toEqual([
      { topic, partition: 0, offset: 0, timestamp: 1, key: hostile, value: hostile, headers: [] },
      {
        topic,
        partition: 0,
        offset: 1,
        timestamp: 2,
        key: "",
        value: JSON.stringify(json),
        headers: [{ key: hostile, value: hostile }],
      },
    ]);
  });

  test("GET /produce/{topic}/{message}: the URL-decoded path segment is the value; answers one object", async () => {
    const topic = topicName("legacy");
    const value = `?#&%+ "'\u00e9\u{1F600}`;
    const res = await fetch(
      `${broker.emulator.url}/produce/${topic}/${encodeURIComponent(value)}?key=k%201`,
      {
        headers: { authorization: AUTH },
      },
    );
    const body = (await res.json()) as { timestamp: number; partition: number };
    expect(res.status).toBe(200);
    expect(body).toEqual({ topic, partition: body.partition, offset: 0, timestamp: body.timestamp });
    const [message] = await broker.kafka
      .consumer()
      .fetch({ topic, partition: body.partition, offset: 0, timeout: 0 });
    expect(message).toEqual({ ...body, key: "k 1", value, headers: [] });
  });

  test("POST /produce/{topic}: one message or an array; the answer is always an array", async () => {
    const topic = topicName("topic-path");
    const post = async (body: unknown) => {
      const res = await fetch(`${broker.emulator.url}/produce/${topic}`, {
        method: "POST",
        headers: { authorization: AUTH, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    expect(await post({ value: "one", partition: 2, timestamp: 3 })).toEqual({
      status: 200,
      body: [{ topic, partition: 2, offset: 0, timestamp: 3 }],
    });
    expect(
      await post([
        { value: "two", partition: 2, timestamp: 4, key: "k" },
        { value: "three", partition: 2, timestamp: 5 },
      ]),
    ).toEqual({
      status: 200,
      body: [
        { topic, partition: 2, offset: 1, timestamp: 4 },
        { topic, partition: 2, offset: 2, timestamp: 5 },
      ],
    });
  });
});

describe("fetch", () => {
  const produceRange = async (topic: string, partition: number, count: number) =>
    broker.kafka
      .producer()
      .produceMany(
        Array.from({ length: count }, (_, i) => ({ topic, partition, value: `m${i}`, timestamp: 100 + i })),
      );
  const message = (topic: string, partition: number, offset: number) => ({
    topic,
    partition,
    offset,
    timestamp: 100 + offset,
    key: "",
    value: `m${offset}`,
    headers: [],
  });

  test("fetch: reads a partition in offset order starting at the offset", async () => {
    const topic = topicName("fetch-from");
    await produceRange(topic, 1, 5);
    const messages = await broker.kafka.consumer().fetch({ topic, partition: 1, offset: 2, timeout: 0 });
    expect(messages).toEqual([message(topic, 1, 2), message(topic, 1, 3), message(topic, 1, 4)]);
  });

  test("fetch: at or past the end answers [] once the timeout passes", async () => {
    const topic = topicName("fetch-end");
    await produceRange(topic, 0, 2);
    expect(await broker.kafka.consumer().fetch({ topic, partition: 0, offset: 2, timeout: 50 })).toEqual([]);
    expect(await broker.kafka.consumer().fetch({ topic, partition: 0, offset: 99, timeout: 0 })).toEqual([]);
    expect(await broker.kafka.consumer().fetch({ topic, partition: 1, offset: 0, timeout: 10 })).toEqual([]);
  });

  test("fetch: a long-poll at the end answers as soon as a record arrives", async () => {
    const topic = topicName("fetch-wait");
    await produceRange(topic, 0, 1);
    const waiting = broker.kafka.consumer().fetch({ topic, partition: 0, offset: 1, timeout: 25_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await broker.kafka.producer().produce(topic, "m1", { partition: 0, timestamp: 101 });
    expect(await waiting).toEqual([message(topic, 0, 1)]);
  });

  test("fetch: an unknown topic is an empty log, answered with []", async () => {
    expect(
      await broker.kafka
        .consumer()
        .fetch({ topic: topicName("never-written"), partition: 0, offset: 0, timeout: 0 }),
    ).toEqual([]);
  });

  test("fetch: at most maxFetchRecords per request; the caller continues from the last offset + 1", async () => {
    const topic = topicName("fetch-batch");
    await produceRange(topic, 0, MAX_FETCH + 5);
    const first = await broker.kafka.consumer().fetch({ topic, partition: 0, offset: 0, timeout: 0 });
    expect(first).toEqual(Array.from({ length: MAX_FETCH }, (_, i) => message(topic, 0, i)));
    const rest = await broker.kafka.consumer().fetch({ topic, partition: 0, offset: MAX_FETCH, timeout: 0 });
    expect(rest).toEqual(Array.from({ length: 5 }, (_, i) => message(topic, 0, MAX_FETCH + i)));
  });

  test("fetch: topicPartitionOffsets reads several partitions, one request each or all in one", async () => {
    const [topic, other] = [topicName("fetch-multi"), topicName("fetch-multi-other")];
    await produceRange(topic, 0, 3);
    await produceRange(topic, 2, 2);
    await produceRange(other, 1, 2);
    const request = {
      topicPartitionOffsets: [
        { topic, partition: 0, offset: 1 },
        { topic, partition: 2, offset: 0 },
        { topic, partition: 1, offset: 0 },
      ],
      topic: other,
      partition: 1,
      offset: 1,
      timeout: 0,
    };
    const expected = [
      message(topic, 0, 1),
      message(topic, 0, 2),
      message(topic, 2, 0),
      message(topic, 2, 1),
      message(other, 1, 1),
    ];
    expect(await broker.kafka.consumer().fetch(request)).toEqual(expected);
    expect(await broker.kafka.consumer().fetch(request, { parallel: false })).toEqual(expected);
    expect(broker.emulator.stats()["POST /fetch"]).toBeGreaterThanOrEqual(5);
  });
});

describe("admin", () => {
  test("offsets: earliest, latest, and the first offset at or after a timestamp in s or ms", async () => {
    const topic = topicName("offsets");
    const base = 1_700_000_000_000;
    await broker.kafka.producer().produceMany([
      { topic, partition: 0, value: "a", timestamp: base },
      { topic, partition: 0, value: "b", timestamp: base + 2000 },
      { topic, partition: 0, value: "c", timestamp: base + 4000 },
    ]);
    const admin = broker.kafka.admin();
    const at = (timestamp: number | "earliest" | "latest") =>
      admin.topicPartitionOffsets({
        timestamp,
        topicPartitions: [
          { topic, partition: 0 },
          { topic, partition: 1 },
        ],
      });
    expect(await at("earliest")).toEqual([
      { topic, partition: 0, offset: 0 },
      { topic, partition: 1, offset: 0 },
    ]);
    expect(await at("latest")).toEqual([
      { topic, partition: 0, offset: 3 },
      { topic, partition: 1, offset: 0 },
    ]);
    expect(await at(base + 1)).toEqual([
      { topic, partition: 0, offset: 1 },
      { topic, partition: 1, offset: 0 },
    ]);
    expect(await at((base + 2000) / 1000)).toEqual([
      { topic, partition: 0, offset: 1 },
      { topic, partition: 1, offset: 0 },
    ]);
    expect(await at(base + 10_000)).toEqual([
      { topic, partition: 0, offset: 3 },
      { topic, partition: 1, offset: 0 },
    ]);
    const unknown = topicName("offsets-unknown");
    expect(
      await admin.topicPartitionOffsets({
        timestamp: "latest",
        topicPartition: { topic: unknown, partition: 0 },
      }),
    ).toEqual([{ topic: unknown, partition: 0, offset: 0 }]);
  });

  test("topics: maps every topic to its partition count", async () => {
    const [a, b] = [topicName("topics-a"), topicName("topics-b")];
    await broker.kafka.producer().produceMany([
      { topic: a, value: "x" },
      { topic: b, value: "y" },
    ]);
    const topics = await broker.kafka.admin().topics();
    expect(topics).toMatchObject({ [a]: PARTITIONS, [b]: PARTITIONS });
    expect(Object.values(topics).every((n) => n === PARTITIONS)).toBe(true);
  });
});
