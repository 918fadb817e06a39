/**
 * A real redis-server with the Redis REST emulator in front of it, for one test file: started before its first
 * test, stopped after its last. `command` sends one command through the REST front end (as Upstash's API takes
 * it), `restartServer` restarts redis-server on its port with its data (and an empty script cache).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { RunningEmulator } from "../../local/common/emulator";
import { freePort } from "../../local/common/ports";
import { startRedisRest } from "../../local/redis/rest";
import {
  ensureRedisServer,
  type RedisServerProcess,
  startRedisServer,
} from "../../local/redis/server-process";

export function useRedisRest(token: string, name: string) {
  let dir = "";
  let port = 0;
  let server: RedisServerProcess | undefined;
  let rest: RunningEmulator | undefined;
  const startServer = async () => startRedisServer({ port, dir, bin: await ensureRedisServer(() => {}) });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `${name}-`));
    port = await freePort();
    server = await startServer();
    rest = await startRedisRest({ port: 0, token, redis: { host: "127.0.0.1", port } });
  });
  afterAll(async () => {
    await rest?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const url = (): string => {
    if (!rest) throw new Error("not started");
    return rest.url;
  };
  return {
    url,
    async command(args: unknown[]): Promise<unknown> {
      const res = await fetch(url(), {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(args),
      });
      return ((await res.json()) as { result?: unknown }).result;
    },
    async restartServer(): Promise<void> {
      await server?.stop();
      server = await startServer();
    },
  };
}
