/**
 * What a poke costs in requests, on each event-log backend (see vitest.config.ts), counted at the emulators: a
 * poke of one new task reads the live pointer and claims the partition with its checkpoint (one script), reads the
 * log, and applies the batch in a script that also lets the partition go (the read came back short). It reads no state:
 * the task is new. On Redis Streams, whose streams are in the projection's database, the read and the apply are one
 * script, the fold inside Redis (which reads the state there); a Kafka fetch may stop at its byte limit, so one more
 * fetch, made while the script runs, must come back empty, unless the poke names the record it was sent for (an
 * append's does) and the short read reached it.
 */
import { describe, expect, it } from "vitest";
import { envelopes, newTaskId, produceEvents, taskLife } from "./support/projector-model";
import { admin, poke, caughtUpProgress as progress, useProjectorPerTest } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const projector = useProjectorPerTest(sys);

type Stats = { total: number; requests: Record<string, number> };

/** Counts at the emulators what one poke with `body` costs, after a new task's creation at offset 3. */
async function pokeOfOneNewTask(body: string) {
  // Two pokes first: every script the fold uses is then in Redis' script cache (a first run is EVALSHA, then EVAL).
  await produceEvents(projector(), taskLife(newTaskId(), 2));
  await poke(projector(), body);
  await poke(projector(), body);
  await produceEvents(
    projector(),
    envelopes(newTaskId(), [{ type: "TaskCreated", data: { text: "Oil the hinge" } }]),
  );
  const redis = sys().stack.redis.url;
  const log = sys().logEmulatorUrl;
  await Promise.all([
    admin(redis, "DELETE", "stats"),
    admin(redis, "DELETE", "commands"),
    ...(log === redis ? [] : [admin(log, "DELETE", "stats")]),
  ]);

  const res = await poke(projector(), body);

  expect({ status: res.status, body: res.body }).toEqual({
    status: 200,
    body: { caughtUp: true, partitions: [progress(3, 4, { applied: 1 })], ownedElsewhere: false },
  });
  const { commands } = (await admin(redis, "GET", "commands")) as { commands: Record<string, number> };
  const redisStats = (await admin(redis, "GET", "stats")) as Stats;
  const logRequests = log === redis ? undefined : ((await admin(log, "GET", "stats")) as Stats).total;
  return { commands, redisRequests: redisStats.total, logRequests };
}

describe("a poke's round trips", () => {
  it("a poke naming no record: the pointer with the claim, the read (and on Kafka one read ahead), the apply that lets go", async () => {
    const cost = await pokeOfOneNewTask('{"partition":0}');
    if (sys().eventLog === "redis-streams") {
      // The pointer with the claim, and the fold inside Redis, which reads, applies and lets go.
      expect(cost).toEqual({ commands: { EVALSHA: 2 }, redisRequests: 2 });
    } else {
      expect(cost).toEqual({ commands: { EVALSHA: 2 }, redisRequests: 2, logRequests: 2 });
    }
  });

  it("a poke of every partition (the sweep's kind): the pointer read apart, then the claim", async () => {
    const cost = await pokeOfOneNewTask("{}");
    if (sys().eventLog === "redis-streams") {
      // The pointer (GET and HGETALL in one pipeline), the claim and the fold inside Redis (EVALSHA).
      expect(cost).toEqual({ commands: { GET: 1, HGETALL: 1, EVALSHA: 2 }, redisRequests: 3 });
    } else {
      expect(cost).toEqual({
        commands: { GET: 1, HGETALL: 1, EVALSHA: 2 },
        redisRequests: 3,
        logRequests: 2,
      });
    }
  });

  it("an append's poke, which names its record: on every log, nothing is read past the short read that reaches it", async () => {
    const cost = await pokeOfOneNewTask(JSON.stringify({ partition: 0, offset: 3, reason: "append" }));
    if (sys().eventLog === "redis-streams") {
      expect(cost).toEqual({ commands: { EVALSHA: 2 }, redisRequests: 2 });
    } else {
      expect(cost).toEqual({ commands: { EVALSHA: 2 }, redisRequests: 2, logRequests: 1 });
    }
  });
});
