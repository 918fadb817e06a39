/**
 * With the event log in Redis Streams, redis-server holds both the log and the projection. Killed (`kill -9`)
 * during a burst of mutations and restarted on the same data: every acknowledged mutation has its events in the
 * log at the position its consistency token names (the local redis-server fsyncs before every reply), the
 * others answered UNAVAILABLE or CONFLICT, and the projection catches up with whatever the log holds.
 */
import { join, resolve } from "node:path";
import { afterAll, beforeAll, it } from "vitest";
import { type RedisServerProcess, startRedisServer } from "../../local/redis/server-process";
import { startSystem, type TestSystem } from "../support/system";
import { burstUntilKilled, expectOnlyAcknowledgedWrites } from "./support/crash-burst";

let sys: TestSystem;
let redisServer: RedisServerProcess;
/** The restarted server, which the stack does not know about: stopped here. */
let restarted: RedisServerProcess | undefined;

const startRedis = async () => {
  restarted = await startRedisServer({
    port: sys.stack.redisServer.port,
    dir: join(resolve(sys.stack.config.stateDir), "redis"),
    fsync: "always",
  });
  return restarted;
};

beforeAll(async () => {
  sys = await startSystem({ eventLog: "redis-streams" });
  redisServer = sys.stack.redisServer;
});

afterAll(async () => {
  await restarted?.stop();
  await sys?.close();
});

it("mutations: after kill -9 of redis-server (log and projection) mid-burst and a restart, every acknowledged event is in the log and projected", async () => {
  const sent = await burstUntilKilled(sys, () => redisServer.kill("SIGKILL"));
  redisServer = await startRedis();

  await expectOnlyAcknowledgedWrites(sys, sent);
});
