/**
 * The Redis adapters keep the projection ports' contract (contract.ts) against the local Redis REST emulator over
 * a real redis-server: with memory-adapters.test.ts, this shows that the in-process adapters and the Redis ones
 * agree on every case.
 */
import { randomUUID } from "node:crypto";
import { createRedisFoldLease } from "../../shared/projection/redis/fold-lease";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { connectRedis } from "../../shared/redis/client";
import { createRedisIdempotency } from "../../shared/write-guard/redis/idempotency";
import { createRedisWriteGuard } from "../../shared/write-guard/redis/write-guard";
import { useLocalRedis } from "../emulators/support/redis-fixture";
import { projectionContract } from "./contract";

const TOKEN = "projection-contract-token";
const local = useLocalRedis({ name: "projection-contract", token: TOKEN });

projectionContract("Redis adapters", () => ({
  open() {
    const client = connectRedis({ url: local.stack.rest.url, token: TOKEN });
    const prefix = `contract:${randomUUID()}`;
    return {
      readModel: createRedisReadModel(client, prefix),
      sink: createRedisFoldSink(client, prefix),
      lease: createRedisFoldLease(client, prefix),
      guard: createRedisWriteGuard(client, { namespace: prefix, guards: prefix }),
      idempotency: createRedisIdempotency(client, prefix),
    };
  },
}));
