/**
 * Around a rebuild's switch, with writers updating tasks on two partitions and readers listing throughout, and a
 * third partition empty when the rebuild starts: every acknowledged write ends up in the new live namespace, brought
 * there by pokes alone (the test never runs the cron, and nothing else does: Miniflare fires no cron trigger).
 *
 * The two races at the switch are driven step by step, not left to timing:
 * - A write into the empty partition between the rebuild reading the log heads and its switch: every switch
 *   attempt is held in the Redis REST front end (a `hold` fault on the switch script) after it read the heads,
 *   the write is made and folded into the old namespace, then the attempts are released. Only the switching
 *   invocation's poke of that partition, sent at offset 0, brings the write to the new namespace, so it must not be
 *   deduplicated away as the rebuild's first chunk poke of that partition.
 * - A write after the switch whose poke reaches another projector isolate that read the live pointer before the
 *   switch (a second projector worker on the same projection, warmed by a status read, to which a second command
 *   worker sends its pokes): that isolate must fold the new live namespace, not only the old one. Whether its
 *   cached pointer is still the old one when the poke comes depends on time (it is kept 2 s, and the steps
 *   between take about that long here), so this step shows the outcome, not the race: the race itself is
 *   specified in process, where the cache is under the spec's control (test/projector/live-pointer.test.ts).
 */
import { describe, expect, it } from "vitest";
import { startWorkerOnFreePort } from "../../local/workerd/worker";
import { partitionOf } from "../../shared/event-log/port";
import { WEB_DIST } from "../../web/build";
import type { GraphQLAnswer } from "../support/system";
import { CREATE, UPDATE } from "./support/command-support";
import { outcome, systemProjector } from "./support/guarantees-support";
import { envelopes, expectProjectionOfLog, produceEvents, redis } from "./support/projector-model";
import { admin, eventually, poke, startProjector, status } from "./support/projector-support";
import { idsIn, onNamespace, position, requestRebuild } from "./support/rebuild-support";
import { useSystem } from "./support/use-system";

const PARTITIONS = 3;
/** The partition no write reaches before the rebuild has read the log heads. */
const EMPTY = 2;
// The switch attempts wait in Redis while the test acts: the projector's Redis calls must outwait them.
const sys = useSystem({ partitions: PARTITIONS, projectorBindings: { REDIS_TIMEOUT_MS: "30000" } });

const LIST = "query { list { id version } }";
const WRITERS = 3;
const READERS = 2;
const TASKS_PER_WRITER = 4;

interface Acked {
  version: number;
  partition: number;
  offset: number;
}

async function graphqlAt(
  url: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLAnswer> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLAnswer["body"] };
}

describe("writes around a rebuild's switch", () => {
  it("rebuild: every acknowledged write, one into a partition empty when the heads were read and one poked to an isolate with a stale pointer, is in the new live namespace without the cron", {
    timeout: 180_000,
  }, async () => {
    const p = systemProjector(sys());
    const redisUrl = sys().stack.redis.url;
    const acked = new Map<string, Acked>();
    const ack = (id: string, answer: GraphQLAnswer, version: number) => {
      expect({ id, outcome: outcome(answer) }).toEqual({ id, outcome: "OK" });
      acked.set(id, { version, ...position(answer) });
    };
    const tasks = [0, 1].flatMap((partition) =>
      idsIn(PARTITIONS, partition, (WRITERS * TASKS_PER_WRITER) / 2),
    );
    await produceEvents(
      p,
      tasks.flatMap((id) => envelopes(id, [{ type: "TaskCreated", data: { text: `before ${id}` } }])),
    );
    // Produced straight into the log, so nothing poked: one poke, as QStash would deliver it, folds them.
    expect((await poke(p, "{}")).status).toBe(200);
    await eventually(async () => expect((await status(p)).lag).toBe(0), 30_000);

    let stop = false;
    const reads: string[] = [];
    let writesAfterSwitch = 0;
    let switched = false;
    const writer = async (w: number) => {
      const mine = tasks.filter((_, i) => i % WRITERS === w);
      for (let round = 0; !stop; round++) {
        const id = mine[round % mine.length] ?? "";
        const answer = await sys().graphql(UPDATE, {
          id,
          text: `writer ${w} round ${round}`,
          done: round % 2 === 0,
        });
        ack(id, answer, answer.body.data?.updateTask?.version ?? -1);
        if (switched) writesAfterSwitch++;
      }
    };
    const reader = async () => {
      while (!stop) reads.push(outcome(await sys().graphql(LIST)));
    };
    const running = Promise.all([
      ...Array.from({ length: WRITERS }, (_, w) => writer(w)),
      ...Array.from({ length: READERS }, () => reader()),
    ]);
    const rebuilt = `${p.prefix}:g1`;
    const stale = await startProjector(sys(), { PROJECTION_PREFIX: p.prefix, UPSTASH_KAFKA_TOPIC: p.topic });
    const { mf: staleCommand, port } = await startWorkerOnFreePort(
      "workers/command/index.ts",
      () => ({ ...sys().env, PROJECTOR_URL: stale.webhook }),
      { assets: WEB_DIST },
    );
    try {
      // Every switch attempt (one per partition's chunk) waits, with the heads it read, until released.
      await admin(redisUrl, "POST", "faults", {
        kind: "hold",
        count: PARTITIONS,
        bodyIncludes: `${rebuilt}:checkpoint","${p.prefix}:retired`,
      });
      const started = await requestRebuild(p);
      expect(started).toMatchObject({ status: 202, body: { namespace: rebuilt } });
      await eventually(
        async () => expect(await admin(redisUrl, "GET", "held")).toEqual({ held: PARTITIONS }),
        60_000,
      );

      // A write into the empty partition, after every attempt read its head there (0), folded into the old namespace.
      let first: { id: string } | undefined;
      while (first === undefined) {
        const answer = await sys().graphql(CREATE, { text: "into the empty partition" });
        const id: string = answer.body.data?.createTask?.id ?? "";
        ack(id, answer, 1);
        if (partitionOf(id, PARTITIONS) === EMPTY) first = { id };
      }
      const firstAt = acked.get(first.id)?.offset ?? -1;
      await eventually(
        async () => expect(await checkpointOf(p.prefix, EMPTY)).toBeGreaterThan(firstAt),
        30_000,
      );
      // The other isolate reads the pointer now, before the switch, and keeps it.
      expect((await status(stale)).partitions).toHaveLength(PARTITIONS);

      expect(await admin(redisUrl, "POST", "held/release")).toEqual({ released: PARTITIONS });
      await eventually(async () => expect(await redis(p).get(`${p.prefix}:live`)).toBe(rebuilt), 30_000);
      switched = true;
      // Only the switching invocation's poke of the empty partition can bring the write here.
      await eventually(
        async () => expect(await checkpointOf(rebuilt, EMPTY)).toBeGreaterThan(firstAt),
        30_000,
      );

      // A write after the switch, poked to the isolate whose pointer predates it.
      const second = await graphqlAt(`http://127.0.0.1:${port}`, UPDATE, {
        id: first.id,
        text: "after the switch",
        done: true,
      });
      ack(first.id, second, second.body.data?.updateTask?.version ?? -1);
      const secondAt = position(second).offset;
      await eventually(
        async () => expect(await checkpointOf(rebuilt, EMPTY)).toBeGreaterThan(secondAt),
        30_000,
      );

      await eventually(() => expect(writesAfterSwitch).toBeGreaterThan(2 * WRITERS), 30_000);
    } finally {
      stop = true;
      await running;
      await stale.close();
      await staleCommand.dispose();
    }

    // Every acknowledged write is in the new live namespace, each task at its last acknowledged version.
    const log = sys().log();
    const heads = await Promise.all(Array.from({ length: PARTITIONS }, (_, i) => log.head(i)));
    await eventually(async () => {
      for (let partition = 0; partition < PARTITIONS; partition++)
        expect(await checkpointOf(rebuilt, partition)).toBe(heads[partition]);
    }, 60_000);
    const projection = await expectProjectionOfLog(onNamespace(p, rebuilt));
    for (const [id, a] of acked) {
      expect(a.offset).toBeLessThan(heads[a.partition] ?? 0);
      const state = projection.states[id];
      expect({ id, version: state?.status === "active" ? state.task.version : undefined }).toEqual({
        id,
        version: a.version,
      });
    }
    expect([...new Set(reads)]).toEqual(["OK"]);
  });
});

async function checkpointOf(namespace: string, partition: number): Promise<number> {
  const p = systemProjector(sys());
  return Number((await redis(p).hget(`${namespace}:checkpoint`, String(partition))) ?? 0);
}
