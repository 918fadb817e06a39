/**
 * Duplicate and concurrent pokes are harmless (docs/guarantees.md#any-order-of-pokes-folds-the-log-exactly): folds race only through the
 * compare-and-set on the checkpoint, so the checkpoint only moves forward, every event is applied exactly
 * once, and the projection equals the fold of the log, whatever the interleaving.
 */
import { Client } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { eventLogConfig } from "../../shared/config/event-log";
import { createEventLog } from "../../shared/event-log/create";
import type { FoldLease } from "../../shared/projection/fold-lease";
import type { FoldSink } from "../../shared/projection/fold-sink";
import { createRedisFoldLease } from "../../shared/projection/redis/fold-lease";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { connectRedis, type RedisClient } from "../../shared/redis/client";
import { PAID_BUDGET } from "../../workers/projector/fold/budget";
import { catchUp } from "../../workers/projector/fold/catch-up";
import {
  expectProjectionOfLog,
  interleavedLives,
  produceEvents,
  quiet,
  readCheckpoint,
  redis,
} from "./support/projector-model";
import {
  type Answer,
  admin,
  eventually,
  type Projector,
  poke,
  status,
  useProjectors,
} from "./support/projector-support";
import { useSystem } from "./support/use-system";

/** Folds here race within one invocation over many small batches: a budget of subrequests that holds them all. */
const PAID_SUBREQUESTS = { PROJECTOR_MAX_SUBREQUESTS: String(PAID_BUDGET.maxSubrequests) };
const sys = useSystem();
const projectorWith = useProjectors(sys, { idle: true, faults: ["redis", "qstash"] });

/** Reads the checkpoint over and over until `done` settles; returns every value seen, in order. */
async function watchCheckpoint(p: Projector, done: Promise<unknown>): Promise<number[]> {
  const seen: number[] = [];
  let settled = false;
  const stop = () => {
    settled = true;
  };
  done.then(stop, stop);
  while (!settled) seen.push(await readCheckpoint(p));
  seen.push(await readCheckpoint(p));
  return seen;
}

const appliedIn = (answers: Answer[]) =>
  answers.reduce((sum, a) => sum + (a.body.partitions?.[0]?.applied ?? 0), 0);

describe("concurrent pokes", () => {
  it("projection: ten concurrent pokes for a backlog of 200 events coalesce on one fold that applies each event once", async () => {
    const p = await projectorWith();
    await produceEvents(p, interleavedLives(40, 4));

    const answers = await Promise.all(Array.from({ length: 10 }, () => poke(p)));

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const [folded, coalesced] = partitionBy(answers, (a) => !a.body.partitions[0].coalesced);
    expect(folded.length).toBeGreaterThanOrEqual(1);
    expect(folded.every((a) => a.body.caughtUp === true)).toBe(true);
    expect(coalesced.every((a) => a.body.ownedElsewhere === true)).toBe(true);
    expect(appliedIn(answers)).toBe(200);
    expect((await status(p)).partitions).toEqual([
      { partition: 0, checkpoint: 200, head: 200, lag: 0, deadLettered: 0 },
    ]);
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 200, rejected: 0, dead: 0 });
  });

  it("projection: racing pokes over small batches never move the checkpoint backwards nor lose a race", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "7", ...PAID_SUBREQUESTS });
    await produceEvents(p, interleavedLives(40, 4));

    const racing = Promise.all(Array.from({ length: 10 }, () => poke(p)));
    const seen = await watchCheckpoint(p, racing);
    const answers = await racing;

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(200);
    expect(appliedIn(answers)).toBe(200);
    // The pokes coalesce on the partition's lease, so no fold's work is thrown away.
    expect(answers.map((a) => a.body.partitions[0].contended)).toEqual(Array(10).fill(0));
    expect((await status(p)).folds).toEqual({ applied: Math.ceil(200 / 7), lost: 0 });
    await expectProjectionOfLog(p);
  });

  it("projection: a fold whose lease expired while it stalled applies nothing and ends at the winner's checkpoint", async () => {
    const p = await projectorWith();
    await produceEvents(p, interleavedLives(3, 2));
    // Hold the first fold's batch script in Redis (its keys name the order set) until a second fold has applied
    // the same batch; the first fold's lease is taken away meanwhile, as if it had expired.
    await admin(sys().stack.redis.url, "POST", "faults", {
      kind: "delay",
      ms: 3000,
      count: 1,
      bodyIncludes: `${p.prefix}:order`,
    });

    const loser = poke(p);
    await eventually(async () =>
      expect(await admin(sys().stack.redis.url, "GET", "faults")).toEqual({ faults: [] }),
    );
    await redis(p).del(`${p.prefix}:fold-lease:0`);
    const winner = await poke(p);
    const lost = await loser;

    const progress = {
      partition: 0,
      from: 0,
      checkpoint: 9,
      rejected: 0,
      dead: 0,
      yielded: false,
      coalesced: false,
      caughtUp: true,
    };
    expect({ status: winner.status, body: winner.body }).toEqual({
      status: 200,
      body: {
        caughtUp: true,
        partitions: [{ ...progress, applied: 9, contended: 0 }],
        ownedElsewhere: false,
      },
    });
    expect({ status: lost.status, body: lost.body }).toEqual({
      status: 200,
      body: {
        caughtUp: true,
        partitions: [{ ...progress, applied: 0, contended: 1 }],
        ownedElsewhere: false,
      },
    });
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 9, rejected: 0, dead: 0 });
    expect((await status(p)).folds).toEqual({ applied: 1, lost: 1 });
  });
});

/** Splits `items` into those `test` holds for and the others. */
function partitionBy<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

describe("duplicate deliveries", () => {
  it("projection: pokes QStash delivers twice at once, racing new appends, fold every event once", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "5", ...PAID_SUBREQUESTS });
    const qstash = new Client({ baseUrl: sys().env.QSTASH_URL, token: sys().env.QSTASH_TOKEN ?? "" });
    const before = sys().stack.qstash.deliveries();
    await admin(sys().stack.qstash.url, "POST", "delivery-faults", {
      kind: "duplicate",
      count: 6,
      urlPrefix: p.url,
    });

    for (let round = 0; round < 6; round++) {
      await produceEvents(p, interleavedLives(4, 3));
      await qstash.publishJSON({ url: p.webhook, body: { round }, retries: 3 });
    }
    await sys().stack.qstash.idle();

    const after = sys().stack.qstash.deliveries();
    // Each of the 6 messages: one delivery made as two requests at once, and delivered without a retry.
    expect({
      duplicated: after.duplicated - before.duplicated,
      attempts: after.attempts - before.attempts,
      successes: after.successes - before.successes,
      failures: after.failures - before.failures,
    }).toEqual({ duplicated: 6, attempts: 12, successes: 6, failures: 0 });
    await eventually(async () =>
      expect((await status(p)).partitions).toEqual([
        { partition: 0, checkpoint: 96, head: 96, lag: 0, deadLettered: 0 },
      ]),
    );
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 96, rejected: 0, dead: 0 });
  });
});

/**
 * Six catch-ups racing over the real adapters, each with its own Redis client as separate invocations would have,
 * with leases from `leaseFor`; answers their results and the batches that were applied, in the order they were.
 */
async function raceCatchUps(p: Projector, leaseFor: (redis: RedisClient, prefix: string) => FoldLease) {
  const log = createEventLog(eventLogConfig(p.env));
  const redis = {
    url: sys().env.UPSTASH_REDIS_REST_URL ?? "",
    token: sys().env.UPSTASH_REDIS_REST_TOKEN ?? "",
  };
  const applied: Array<{ from: number; to: number }> = [];
  const recordingStore = (client: RedisClient): FoldSink => {
    const store = createRedisFoldSink(client, p.prefix);
    return {
      ...store,
      async applyBatch(batch, partitions, now) {
        const result = await store.applyBatch(batch, partitions, now);
        if (result.kind === "applied") applied.push({ from: batch.from, to: batch.to });
        return result;
      },
    };
  };
  const budget = { ...PAID_BUDGET, batchSize: 4, maxEvents: 10_000, maxMillis: 20_000 };
  const racing = Promise.all(
    Array.from({ length: 6 }, () => {
      const client = connectRedis(redis);
      return catchUp(
        { log, store: recordingStore(client), lease: leaseFor(client, p.prefix), logger: quiet },
        budget,
      );
    }),
  );
  const seen = await watchCheckpoint(p, racing);
  return { results: await racing, applied, seen };
}

describe("the compare-and-set", () => {
  it("catch-up: six catch-ups racing over the real adapters apply every batch once, in checkpoint order", async () => {
    const p = await projectorWith();
    await produceEvents(p, interleavedLives(30, 3));
    // Every lease granted and let go, as when each racer's lease expired while it stalled: the compare-and-set
    // alone fences. (A real lease found lost when a racer lets it go would be claimed again.)
    const expired = (): FoldLease => ({
      claim: async (partition) => ({ claimed: true, checkpoint: await readCheckpoint(p, partition) }),
      finish: async () => "done",
      drop: async () => {},
    });

    const { results, applied, seen } = await raceCatchUps(p, expired);

    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const chain = [...applied].sort((a, b) => a.from - b.from);
    expect(chain.map((b) => b.from)).toEqual([0, ...chain.slice(0, -1).map((b) => b.to)]);
    expect(chain.at(-1)?.to).toBe(120);
    const partitions = results.map((r) => r.partitions[0]);
    expect(partitions.reduce((sum, r) => sum + (r?.applied ?? 0), 0)).toBe(120);
    expect(partitions.some((r) => (r?.contended ?? 0) > 0)).toBe(true);
    expect(results.some((r) => r.caughtUp)).toBe(true);
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 120, rejected: 0, dead: 0 });
  });

  it("catch-up: six catch-ups racing with the partition lease coalesce on one fold and throw no work away", async () => {
    const p = await projectorWith();
    await produceEvents(p, interleavedLives(30, 3));

    const { results, applied } = await raceCatchUps(p, createRedisFoldLease);

    const partitions = results.map((r) => r.partitions[0]);
    expect(partitions.filter((r) => r?.coalesced).length).toBe(5);
    expect(partitions.reduce((sum, r) => sum + (r?.contended ?? 0), 0)).toBe(0);
    expect(applied.map((b) => b.from)).toEqual(Array.from({ length: 30 }, (_, i) => i * 4));
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 120, rejected: 0, dead: 0 });
    expect((await status(p)).folds).toEqual({ applied: 30, lost: 0 });
  });
});
