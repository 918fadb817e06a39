/**
 * The Redis looks keep the contract (contract.ts) against the local Redis REST emulator over a real redis-server,
 * the registry under one prefix and the projection in a namespace of its own, as after a rebuild; and each look
 * is one request, a view id's first look two.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createRedisListReads } from "../../shared/lists/redis/reads";
import { createRedisListRegistry } from "../../shared/lists/redis/registry";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { connectRedis } from "../../shared/redis/client";
import { useLocalRedis } from "../emulators/support/redis-fixture";
import { listReadsContract } from "./contract";

const TOKEN = "list-reads-contract-token";
const TASK = "00000000-0000-4000-8000-000000000001";
const local = useLocalRedis({ name: "list-reads-contract", token: TOKEN });

function open() {
  const client = connectRedis({ url: local.stack.rest.url, token: TOKEN });
  const guards = `contract:${randomUUID()}`;
  const namespace = `${guards}:g1`;
  return {
    registry: createRedisListRegistry(client, guards),
    sink: createRedisFoldSink(client, namespace),
    readModel: createRedisReadModel(client, namespace),
    reads: createRedisListReads(client, { guards, namespace }),
  };
}

listReadsContract("Redis adapters", () => ({ open }));

/** The requests `run` sends to the REST emulator. */
async function requestsOf(run: () => Promise<unknown>): Promise<number> {
  const stats = `${local.stack.rest.url}/__emulator/stats`;
  await fetch(stats, { method: "DELETE" });
  await run();
  return ((await (await fetch(stats)).json()) as { total: number }).total;
}

describe("Redis adapters: the cost of a look", () => {
  test("a look with its read (a page, a size, a task, a history) is one request; through a view id, two the first time and one after", async () => {
    const { registry, reads } = open();
    const list = {
      id: randomUUID().slice(0, 22),
      viewId: randomUUID().slice(0, 22),
      title: null,
      createdAt: "2026-01-01T00:00:00.000Z",
      key: null,
    };
    expect(await registry.register(list)).toBe(true);
    // The first call of each script loads it into Redis (an EVAL after the EVALSHA Redis does not know).
    await Promise.all([reads.list(list.id, 0, 5), reads.listAfter(list.id, 5), reads.sized(list.id)]);

    expect(await requestsOf(() => reads.list(list.id, 0, 5))).toBe(1);
    expect(await requestsOf(() => reads.listAfter(list.id, 5))).toBe(1);
    expect(await requestsOf(() => reads.sized(list.id))).toBe(1);
    expect(await requestsOf(() => reads.listAfter(list.viewId, 5))).toBe(2);
    expect(await requestsOf(() => reads.listAfter(list.viewId, 5))).toBe(1);
    expect(await requestsOf(() => reads.list(list.viewId, 0, 5))).toBe(1);
    await Promise.all([reads.task(list.id, TASK), reads.history(list.id, TASK, { offset: 0, limit: 5 })]);
    expect(await requestsOf(() => reads.task(list.viewId, TASK))).toBe(1);
    expect(await requestsOf(() => reads.history(list.viewId, TASK, { offset: 0, limit: 5 }))).toBe(1);
  });
});
