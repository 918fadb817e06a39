/**
 * Runs the Upstash Redis REST front end on its own:
 *
 *   tsx local/redis/main.ts --port 8079 --redis-port 6390 --token T
 *   tsx local/redis/main.ts --port 8079 --redis-port 6390 --token T --redis-dir .local/redis   (also starts redis-server)
 *
 * `--token` falls back to UPSTASH_REDIS_REST_TOKEN. Prints one ready line; SIGINT/SIGTERM close everything it started.
 * A bad command line exits with code 2 and the usage line.
 */
import { type Cli, parseFlags, portFlag, runMain, stopOnSignals, usageError } from "../common/cli";
import { startRedisRest } from "./rest";
import { ensureRedisServer, type RedisServerProcess, startRedisServer } from "./server-process";

const CLI: Cli = {
  name: "redis-rest",
  usage:
    "usage: tsx local/redis/main.ts --redis-port N [--token T] [--port 8079] [--host H] [--redis-host H] [--redis-dir DIR]",
};

async function main(): Promise<void> {
  const values = parseFlags(CLI, {
    port: { type: "string" },
    host: { type: "string" },
    token: { type: "string" },
    "redis-host": { type: "string" },
    "redis-port": { type: "string" },
    "redis-dir": { type: "string" },
  });
  const token = values.token ?? process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!token) usageError(CLI, "--token (or UPSTASH_REDIS_REST_TOKEN) is required");
  const port = portFlag(CLI, "--port", values.port, 8079);
  const redisPort = portFlag(CLI, "--redis-port", values["redis-port"]);
  const redisHost = values["redis-host"] ?? "127.0.0.1";

  let server: RedisServerProcess | undefined;
  if (values["redis-dir"]) {
    const bin = await ensureRedisServer((msg) => console.log(`[redis] ${msg}`));
    server = await startRedisServer({ port: redisPort, dir: values["redis-dir"], bin });
  }
  const rest = await startRedisRest({
    port,
    host: values.host,
    token,
    redis: { host: redisHost, port: redisPort },
  });
  const owned = server ? `, redis-server pid ${server.pid} in ${values["redis-dir"]}` : "";
  console.log(`redis-rest ready at ${rest.url} (redis-server ${redisHost}:${redisPort}${owned})`);

  stopOnSignals(CLI, async () => {
    await rest.close();
    await server?.stop();
  });
}

runMain(CLI, main);
