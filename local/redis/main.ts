/**
 * Runs the Upstash Redis REST front end on its own:
 *
 *   tsx local/redis/main.ts --port 8079 --redis-port 6390 --token T
 *   tsx local/redis/main.ts --port 8079 --redis-port 6390 --token T --redis-dir .local/redis   (also starts redis-server)
 *
 * `--token` falls back to UPSTASH_REDIS_REST_TOKEN. Prints one ready line; SIGINT/SIGTERM close everything it started.
 */
import { parseArgs } from "node:util";
import { startRedisRest } from "./rest";
import { ensureRedisServer, type RedisServerProcess, startRedisServer } from "./server-process";

function port(value: string | undefined, flag: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a TCP port, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      token: { type: "string" },
      "redis-host": { type: "string" },
      "redis-port": { type: "string" },
      "redis-dir": { type: "string" },
    },
    strict: true,
  });
  const token = values.token ?? process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!token) throw new Error("--token (or UPSTASH_REDIS_REST_TOKEN) is required");
  const redisPort = port(values["redis-port"], "--redis-port");
  const redisHost = values["redis-host"] ?? "127.0.0.1";

  let server: RedisServerProcess | undefined;
  if (values["redis-dir"]) {
    const bin = await ensureRedisServer((msg) => console.log(`[redis] ${msg}`));
    server = await startRedisServer({ port: redisPort, dir: values["redis-dir"], bin });
  }
  const rest = await startRedisRest({
    port: port(values.port, "--port", 8079),
    host: values.host,
    token,
    redis: { host: redisHost, port: redisPort },
  });
  const owned = server ? `, redis-server pid ${server.pid} in ${values["redis-dir"]}` : "";
  console.log(`redis-rest ready at ${rest.url} (redis-server ${redisHost}:${redisPort}${owned})`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await rest.close();
    await server?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(`redis-rest: ${(err as Error).message}`);
  process.exit(1);
});
