/**
 * The catch-up over the real fold lease and fold scripts (the Redis adapters against the local Redis REST front end
 * and a real redis-server), with the log in memory: what the in-process specs show of the lease (catch-up.test.ts)
 * holds with the scripts the workers run. A lease running out is made to happen by deleting its key, as its expiry
 * would, so nothing waits on time.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { encodeEvent } from "../../shared/domain";
import { createMemoryEventLog } from "../../shared/event-log/memory/event-log";
import type { EventLog } from "../../shared/event-log/port";
import type { Logger } from "../../shared/http/log";
import { projectionKeys } from "../../shared/projection/keys";
import { createRedisFoldLease } from "../../shared/projection/redis/fold-lease";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { connectRedis } from "../../shared/redis/client";
import { catchUp, LEASE_MS } from "../../workers/projector/fold/catch-up";
import { completed, created, envelope, TASK_ID } from "../domain/fixtures";
import { useLocalRedis } from "../emulators/support/redis-fixture";

const TOKEN = "catch-up-redis-lease-token";
const local = useLocalRedis({ name: "catch-up-redis-lease", token: TOKEN });
const quiet: Logger = { info: () => {}, error: () => {}, with: () => quiet };

describe("catch-up over the Redis fold lease", () => {
  test("catch-up: a poke that marked the partition while its last read outlasted the lease is not lost: it claims the partition again and reads on", async () => {
    const client = connectRedis({ url: local.stack.rest.url, token: TOKEN });
    const prefix = `catch-up-lease:${randomUUID()}`;
    const lease = createRedisFoldLease(client, prefix);
    const readModel = createRedisReadModel(client, prefix);
    const log = createMemoryEventLog({ partitions: 1 });
    await log.append(TASK_ID, [
      encodeEvent(envelope(created("Book the train"), { taskId: TASK_ID, version: 1 })),
    ]);
    let poked = false;
    // The last read comes back empty after the lease ran out, and a poke marked the partition while it was held.
    const slowLastRead: EventLog = {
      ...log,
      async read(partition, fromOffset, options) {
        const records = await log.read(partition, fromOffset, options);
        if (records.length === 0 && !poked) {
          poked = true;
          await log.append(TASK_ID, [encodeEvent(envelope(completed, { taskId: TASK_ID, version: 2 }))]);
          expect(await lease.claim(partition, "a poke", LEASE_MS)).toEqual({ claimed: false });
          await local.plain.del(projectionKeys(prefix).foldLease(partition));
        }
        return records;
      },
    };

    const result = await catchUp(
      { log: slowLastRead, store: createRedisFoldSink(client, prefix), lease, logger: quiet, start: 0 },
      undefined,
      [0],
    );

    expect(result.partitions).toEqual([
      expect.objectContaining({ checkpoint: 2, applied: 2, caughtUp: true }),
    ]);
    expect(Object.fromEntries(await readModel.checkpoints())).toEqual({ 0: 2 });
    expect(await lease.claim(0, "the next fold", LEASE_MS)).toEqual({ claimed: true, checkpoint: 2 });
  });
});
