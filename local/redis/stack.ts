/**
 * redis-server plus its Upstash REST front end, started together: what tests and tools need when they want
 * "an Upstash Redis" on free ports without the whole local stack.
 */
import type { RunningEmulator } from "../common/emulator";
import { freePort } from "../common/ports";
import { startRedisRest } from "./rest";
import { type RedisServerProcess, startRedisServer } from "./server-process";

export interface LocalRedisOptions {
  /** redis-server's data folder. */
  dir: string;
  token: string;
  /** REST port; default 0 (a free one). */
  port?: number;
  /** redis-server port; default a free one. */
  redisPort?: number;
  bin?: string;
}

export interface LocalRedis {
  /** The REST front end: `rest.url` is UPSTASH_REDIS_REST_URL. */
  rest: RunningEmulator;
  server: RedisServerProcess;
  redisPort: number;
  dir: string;
  /** Closes the front end, then stops redis-server gracefully. */
  close(): Promise<void>;
}

export async function startLocalRedis(opts: LocalRedisOptions): Promise<LocalRedis> {
  const redisPort = opts.redisPort ?? (await freePort());
  const server = await startRedisServer({ port: redisPort, dir: opts.dir, bin: opts.bin });
  let rest: RunningEmulator;
  try {
    rest = await startRedisRest({
      port: opts.port ?? 0,
      token: opts.token,
      redis: { host: "127.0.0.1", port: redisPort },
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    rest,
    server,
    redisPort,
    dir: opts.dir,
    async close() {
      await rest.close();
      await server.stop();
    },
  };
}
