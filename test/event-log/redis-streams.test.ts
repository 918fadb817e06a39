/**
 * The event log contract against the Redis Streams adapter, over the Redis REST emulator and a real redis-server
 * that fsyncs its append-only file before every reply (as the local stack runs it when the log lives in Redis).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../local/common/ports";
import { startRedisRest } from "../../local/redis/rest";
import {
  ensureRedisServer,
  type RedisServerProcess,
  startRedisServer,
} from "../../local/redis/server-process";
import {
  createRedisStreamsEventLog,
  MAX_RECORD_BYTES,
  streamKey,
} from "../../shared/event-log/redis-streams/event-log";
import { eventLogContract, type LogSubject } from "./contract";
import { emulatorFaults } from "./emulator-faults";

const TOKEN = "contract-redis-token";

eventLogContract("redis-streams", async (): Promise<LogSubject> => {
  const dir = await mkdtemp(join(tmpdir(), "log-contract-redis-"));
  const bin = await ensureRedisServer(() => {});
  const port = await freePort();
  const startServer = () => startRedisServer({ port, dir, bin, fsync: "always" });
  let server: RedisServerProcess = await startServer();
  const rest = await startRedisRest({ port: 0, token: TOKEN, redis: { host: "127.0.0.1", port } });
  return {
    ...emulatorFaults(rest.url),
    largestRecordBytes: MAX_RECORD_BYTES,
    shortReadsEnd: true,
    open: (topic, options = {}) =>
      createRedisStreamsEventLog({
        url: rest.url,
        token: options.wrongCredentials ? "not-the-token" : TOKEN,
        topic,
        partitions: options.partitions ?? 1,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      }),
    async loseRecords(topic, partition, offsets) {
      const res = await fetch(rest.url, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(["XDEL", streamKey(topic, partition), ...offsets.map((o) => `${o}-1`)]),
      });
      if (!res.ok) throw new Error(`XDEL answered ${res.status}: ${await res.text()}`);
    },
    async crash() {
      await server.kill("SIGKILL");
      server = await startServer();
    },
    async close() {
      await rest.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
