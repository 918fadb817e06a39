/**
 * Contract: consumer groups through the unmodified @upstash/kafka client (consume, commit, committed,
 * consumers, removeConsumerInstance), plus the path-style consume route. Each test uses its own topic and group.
 */
import { randomUUID } from "node:crypto";
import { Kafka } from "@upstash/kafka";
import { describe, expect, test } from "vitest";
import { startKafkaEmulator } from "../../local/kafka/rest";
import { basicAuth, useKafka } from "./support/kafka-fixture";
import { useTempDirs } from "./support/temp-dirs";

const USER = "kafka-groups-user";
const PASS = "kafka-groups-pass";
const AUTH = basicAuth(USER, PASS);

const broker = useKafka({ name: "kafka-groups", username: USER, password: PASS, defaultPartitions: 3 });
/** Data folders of emulators a test starts for itself. */
const tempDir = useTempDirs("kafka-groups-restart-");

const unique = (name: string) => `${name}-${randomUUID()}`;

const message = (topic: string, partition: number, offset: number, value: string) => ({
  topic,
  partition,
  offset,
  timestamp: 1000 + offset,
  key: "",
  value,
  headers: [],
});

async function produce(topic: string, partition: number, values: string[]): Promise<void> {
  const offsets = await broker.kafka
    .admin()
    .topicPartitionOffsets({ timestamp: "latest", topicPartition: { topic, partition } });
  const start = offsets[0]?.offset ?? 0;
  await broker.kafka
    .producer()
    .produceMany(values.map((value, i) => ({ topic, partition, value, timestamp: 1000 + start + i })));
}

describe("consume", () => {
  test("consume: a new group with earliest sees the records produced before it joined", async () => {
    const [topic, group] = [unique("earliest"), unique("g")];
    await produce(topic, 0, ["a", "b"]);
    await produce(topic, 2, ["c"]);
    const consumer = broker.kafka.consumer();
    const request = {
      consumerGroupId: group,
      instanceId: "i1",
      topics: [topic],
      autoOffsetReset: "earliest" as const,
    };
    expect(await consumer.consume({ ...request, timeout: 0 })).toEqual([
      message(topic, 0, 0, "a"),
      message(topic, 0, 1, "b"),
      message(topic, 2, 0, "c"),
    ]);
    expect(await consumer.consume({ ...request, timeout: 0 })).toEqual([]);
  });

  test("consume: a new group with the default (latest) sees only records produced after it joined", async () => {
    const [topic, group] = [unique("latest"), unique("g")];
    await produce(topic, 0, ["old"]);
    const consumer = broker.kafka.consumer();
    const request = { consumerGroupId: group, instanceId: "i1", topics: [topic], timeout: 0 };
    expect(await consumer.consume(request)).toEqual([]);
    await produce(topic, 0, ["new"]);
    expect(await consumer.consume(request)).toEqual([message(topic, 0, 1, "new")]);
  });

  test("consume: a long-poll answers as soon as a record arrives", async () => {
    const [topic, group] = [unique("consume-wait"), unique("g")];
    await produce(topic, 1, ["first"]);
    const consumer = broker.kafka.consumer();
    const request = {
      consumerGroupId: group,
      instanceId: "i1",
      topics: [topic],
      autoOffsetReset: "earliest" as const,
    };
    expect(await consumer.consume({ ...request, timeout: 0 })).toEqual([message(topic, 1, 0, "first")]);
    const waiting = consumer.consume({ ...request, timeout: 25_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await produce(topic, 1, ["second"]);
    expect(await waiting).toEqual([message(topic, 1, 1, "second")]);
  });

  test("consume: several topics in one call", async () => {
    const [t1, t2, group] = [unique("multi-a"), unique("multi-b"), unique("g")];
    await produce(t1, 0, ["x"]);
    await produce(t2, 1, ["y"]);
    const records = await broker.kafka.consumer().consume({
      consumerGroupId: group,
      instanceId: "i1",
      topics: [t1, t2],
      autoOffsetReset: "earliest",
      timeout: 0,
    });
    expect(records).toHaveLength(2);
    expect(records).toEqual(expect.arrayContaining([message(t1, 0, 0, "x"), message(t2, 1, 0, "y")]));
  });

  test("consume: partitions are divided among a group's instances (GET /consumers shows it)", async () => {
    const [topic, group] = [unique("split"), unique("g")];
    const consumer = broker.kafka.consumer();
    const request = {
      consumerGroupId: group,
      topics: [topic],
      autoOffsetReset: "earliest" as const,
      timeout: 0,
    };
    expect(await consumer.consume({ ...request, instanceId: "a" })).toEqual([]);
    expect(await consumer.consume({ ...request, instanceId: "b" })).toEqual([]);
    await produce(topic, 0, ["p0"]);
    await produce(topic, 1, ["p1"]);
    await produce(topic, 2, ["p2"]);
    const b = await consumer.consume({ ...request, instanceId: "b" });
    const a = await consumer.consume({ ...request, instanceId: "a" });
    expect(a).toEqual([message(topic, 0, 0, "p0"), message(topic, 2, 0, "p2")]);
    expect(b).toEqual([message(topic, 1, 0, "p1")]);
    const groups = await broker.kafka.admin().consumers();
    expect(groups.find((g) => g.name === group)).toEqual({
      name: group,
      instances: [
        { name: "a", topics: [{ topic, partitions: [0, 2] }] },
        { name: "b", topics: [{ topic, partitions: [1] }] },
      ],
    });
  });

  test("consume: when an instance joins, a moved partition resumes where its old owner auto-committed", async () => {
    const [topic, group] = [unique("rebalance"), unique("g")];
    await produce(topic, 0, ["p0"]);
    await produce(topic, 1, ["p1"]);
    const consumer = broker.kafka.consumer();
    const request = {
      consumerGroupId: group,
      topics: [topic],
      autoOffsetReset: "earliest" as const,
      timeout: 0,
    };
    expect(await consumer.consume({ ...request, instanceId: "a" })).toEqual([
      message(topic, 0, 0, "p0"),
      message(topic, 1, 0, "p1"),
    ]);
    expect(await consumer.consume({ ...request, instanceId: "b" })).toEqual([]);
    await produce(topic, 1, ["p1-later"]);
    expect(await consumer.consume({ ...request, instanceId: "b" })).toEqual([
      message(topic, 1, 1, "p1-later"),
    ]);
    expect(await consumer.consume({ ...request, instanceId: "a" })).toEqual([]);
  });

  test("GET /consume/{group}/{instance}/{topic}?timeout=: the path-style consume, with Kafka-* headers", async () => {
    const [topic, group] = [unique("path-style"), unique("g")];
    await produce(topic, 0, ["v"]);
    const res = await fetch(`${broker.emulator.url}/consume/${group}/i%201/${topic}?timeout=0`, {
      headers: { authorization: AUTH, "kafka-auto-offset-reset": "earliest" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([message(topic, 0, 0, "v")]);
    const groups = await broker.kafka.admin().consumers();
    expect(groups.find((g) => g.name === group)?.instances.map((i) => i.name)).toEqual(["i 1"]);
  });
});

describe("commit and committed", () => {
  test("commit + committed: offsets are stored and answered verbatim; -1 where never committed", async () => {
    const [topic, group] = [unique("commit"), unique("g")];
    await produce(topic, 0, ["a"]);
    const consumer = broker.kafka.consumer();
    const ids = { consumerGroupId: group, instanceId: "i1" };
    expect(await consumer.commit({ ...ids, offset: { topic, partition: 0, offset: 0 } })).toEqual({
      result: "Success",
      status: 200,
    });
    await consumer.commit({ ...ids, offset: [{ topic, partition: 2, offset: 7 }] });
    const topicPartitions = [0, 1, 2].map((partition) => ({ topic, partition }));
    expect(await consumer.committed({ ...ids, topicPartitions })).toEqual([
      { topic, partition: 0, offset: 0 },
      { topic, partition: 1, offset: -1 },
      { topic, partition: 2, offset: 7 },
    ]);
    expect(
      await broker.kafka.admin().committedOffsets({ ...ids, topicPartition: { topic, partition: 2 } }),
    ).toEqual([{ topic, partition: 2, offset: 7 }]);
  });

  test("commit: without offsets commits the instance's positions (the next offsets to read)", async () => {
    const [topic, group] = [unique("commit-positions"), unique("g")];
    await produce(topic, 0, ["a", "b"]);
    await produce(topic, 1, ["c"]);
    const consumer = broker.kafka.consumer();
    const ids = { consumerGroupId: group, instanceId: "i1" };
    await consumer.consume({
      ...ids,
      topics: [topic],
      autoCommit: false,
      autoOffsetReset: "earliest",
      timeout: 0,
    });
    const topicPartitions = [0, 1, 2].map((partition) => ({ topic, partition }));
    expect(await consumer.committed({ ...ids, topicPartitions })).toEqual([
      { topic, partition: 0, offset: -1 },
      { topic, partition: 1, offset: -1 },
      { topic, partition: 2, offset: -1 },
    ]);
    expect(await consumer.commit(ids)).toEqual({ result: "Success", status: 200 });
    expect(await consumer.committed({ ...ids, topicPartitions })).toEqual([
      { topic, partition: 0, offset: 2 },
      { topic, partition: 1, offset: 1 },
      { topic, partition: 2, offset: 0 },
    ]);
  });

  test("consume: auto-commit commits the positions of earlier polls at the next poll", async () => {
    const [topic, group] = [unique("auto-commit"), unique("g")];
    await produce(topic, 0, ["a", "b"]);
    const consumer = broker.kafka.consumer();
    const request = {
      consumerGroupId: group,
      instanceId: "i1",
      topics: [topic],
      autoCommitInterval: 0,
      autoOffsetReset: "earliest" as const,
      timeout: 0,
    };
    expect(await consumer.consume(request)).toHaveLength(2);
    await consumer.consume(request);
    expect(await consumer.committed({ ...request, topicPartitions: [{ topic, partition: 0 }] })).toEqual([
      { topic, partition: 0, offset: 2 },
    ]);
  });

  test("consume: a new instance of a group resumes from the group's committed offset", async () => {
    const [topic, group] = [unique("resume"), unique("g")];
    await produce(topic, 0, ["a", "b", "c"]);
    const consumer = broker.kafka.consumer();
    await consumer.commit({
      consumerGroupId: group,
      instanceId: "old",
      offset: { topic, partition: 0, offset: 1 },
    });
    const records = await consumer.consume({
      consumerGroupId: group,
      instanceId: "new",
      topics: [topic],
      timeout: 0,
    });
    expect(records).toEqual([message(topic, 0, 1, "b"), message(topic, 0, 2, "c")]);
  });

  test("removeConsumerInstance: closes the instance (auto-committing its positions); unknown ones are 404", async () => {
    const [topic, group] = [unique("remove"), unique("g")];
    await produce(topic, 0, ["a"]);
    const ids = { consumerGroupId: group, instanceId: "i1" };
    await broker.kafka
      .consumer()
      .consume({ ...ids, topics: [topic], autoOffsetReset: "earliest", timeout: 0 });
    await broker.kafka.admin().removeConsumerInstance(group, "i1");
    expect((await broker.kafka.admin().consumers()).find((g) => g.name === group)).toBeUndefined();
    expect(
      await broker.kafka.consumer().committed({ ...ids, topicPartitions: [{ topic, partition: 0 }] }),
    ).toEqual([{ topic, partition: 0, offset: 1 }]);
    for (const [path, method] of [
      [`/delete-consumer/${group}/i1`, "POST"],
      [`/delete-consumer/${unique("no-group")}/i1`, "DELETE"],
    ] as const) {
      const res = await fetch(`${broker.emulator.url}${path}`, { method, headers: { authorization: AUTH } });
      const body = (await res.json()) as { error: string };
      expect({ status: res.status, body }).toEqual({ status: 404, body: { error: body.error, status: 404 } });
      expect(body.error).toMatch(/does not exist/);
    }
  });

  test("committed offsets survive a restart of the emulator", async () => {
    const [topic, group] = [unique("durable-commit"), unique("g/x é")];
    const ownDir = tempDir();
    const options = { port: 0, username: USER, password: PASS, dataDir: ownDir };
    const first = await startKafkaEmulator(options);
    const client = new Kafka({ url: first.url, username: USER, password: PASS });
    await client.producer().produce(topic, "a", { partition: 0 });
    const res = await fetch(`${first.url}/commit/${encodeURIComponent(group)}/i1`, {
      method: "POST",
      headers: { authorization: AUTH },
      body: JSON.stringify({ topic, partition: 0, offset: 1 }),
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 200,
      body: { result: "Success", status: 200 },
    });
    await first.close();
    const second = await startKafkaEmulator(options);
    const again = await fetch(`${second.url}/committed/${encodeURIComponent(group)}/i2`, {
      method: "POST",
      headers: { authorization: AUTH },
      body: JSON.stringify([{ topic, partition: 0 }]),
    });
    expect(await again.json()).toEqual([{ topic, partition: 0, offset: 1 }]);
    await second.close();
  });
});
