/**
 * Starts the whole local stack in this process: a real redis-server (child process), the Redis REST
 * front end, the Kafka REST emulator, the QStash emulator, and with `EVENT_LOG=redpanda` the Redpanda HTTP
 * Proxy emulator. The launcher (`npm run dev:stack`) and the
 * tests both start it through here; tests pass port 0 so they never collide with a running stack.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { RunningEmulator } from "../common/emulator";
import { freePort } from "../common/ports";
import { startKafkaEmulator } from "../kafka/rest";
import { startQStashEmulator } from "../qstash/rest";
import { startRedisRest } from "../redis/rest";
import { ensureRedisServer, type RedisServerProcess, startRedisServer } from "../redis/server-process";
import { type RunningRedpandaEmulator, startRedpandaEmulator } from "../redpanda/rest";
import type { StackConfig } from "./config";

export interface RunningStack {
  config: StackConfig;
  redisServer: RedisServerProcess;
  redis: RunningEmulator;
  kafka: Awaited<ReturnType<typeof startKafkaEmulator>>;
  qstash: Awaited<ReturnType<typeof startQStashEmulator>>;
  /** The Redpanda HTTP Proxy emulator, started only when the workers use it (`EVENT_LOG=redpanda`). */
  redpanda: RunningRedpandaEmulator | undefined;
  /** The settings of docs/operations.md#configuration for these running services (no worker URLs). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StartStackOptions {
  log?: (line: string) => void;
  /** Log each QStash delivery attempt (the launcher does; tests usually do not). */
  logDeliveries?: boolean;
}

/** Starts every service; if one fails to start, the ones already running are stopped before the error is thrown. */
export async function startStack(config: StackConfig, opts: StartStackOptions = {}): Promise<RunningStack> {
  const log = opts.log ?? (() => {});
  const stateDir = resolve(config.stateDir);
  await mkdir(stateDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      // Keep stopping the others; the error that made us stop is the one thrown.
      await stop().catch((err: unknown) =>
        log(`stack: a service did not stop cleanly: ${(err as Error).message}`),
      );
    }
    stops.length = 0;
  };
  try {
    const bin = await ensureRedisServer(log);
    const redisPort = config.redisServerPort === 0 ? await freePort() : config.redisServerPort;
    // With the event log in this Redis, an acknowledged append must survive a crash: fsync before every reply.
    // Otherwise it holds only the projection, which can be folded again from the log: fsync once a second.
    const fsync = config.eventLog === "redis-streams" ? "always" : "everysec";
    const redisServer = await startRedisServer({ port: redisPort, dir: join(stateDir, "redis"), bin, fsync });
    stops.push(() => redisServer.stop());

    const redis = await startRedisRest({
      port: config.redisRestPort,
      token: config.redisToken,
      redis: { host: "127.0.0.1", port: redisServer.port },
    });
    stops.push(() => redis.close());

    const kafka = await startKafkaEmulator({
      port: config.kafkaPort,
      username: config.kafkaUsername,
      password: config.kafkaPassword,
      dataDir: join(stateDir, "kafka"),
      defaultPartitions: config.kafkaPartitions,
    });
    stops.push(() => kafka.close());

    // Its own data folder: the Kafka emulator's storage, which two processes must never append to at once.
    const redpanda =
      config.eventLog === "redpanda"
        ? await startRedpandaEmulator({
            port: config.redpandaPort,
            username: config.redpandaUsername,
            password: config.redpandaPassword,
            dataDir: join(stateDir, "redpanda"),
            defaultPartitions: config.kafkaPartitions,
            topics: [config.kafkaTopic],
          })
        : undefined;
    if (redpanda) stops.push(() => redpanda.close());

    const qstash = await startQStashEmulator({
      port: config.qstashPort,
      token: config.qstashToken,
      currentSigningKey: config.qstashCurrentSigningKey,
      nextSigningKey: config.qstashNextSigningKey,
      timeScale: config.qstashTimeScale,
      ...(opts.logDeliveries ? { log } : {}),
    });
    stops.push(() => qstash.close());

    const env: Record<string, string> = {
      EVENT_LOG: config.eventLog,
      UPSTASH_REDIS_REST_URL: redis.url,
      UPSTASH_REDIS_REST_TOKEN: config.redisToken,
      UPSTASH_KAFKA_URL: kafka.url,
      UPSTASH_KAFKA_REST_URL: kafka.url,
      UPSTASH_KAFKA_USERNAME: config.kafkaUsername,
      UPSTASH_KAFKA_PASSWORD: config.kafkaPassword,
      UPSTASH_KAFKA_TOPIC: config.kafkaTopic,
      ...(redpanda
        ? {
            REDPANDA_PROXY_URL: redpanda.url,
            REDPANDA_USERNAME: config.redpandaUsername,
            REDPANDA_PASSWORD: config.redpandaPassword,
          }
        : {}),
      EVENT_LOG_PARTITIONS: String(config.kafkaPartitions),
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: config.qstashToken,
      QSTASH_CURRENT_SIGNING_KEY: config.qstashCurrentSigningKey,
      QSTASH_NEXT_SIGNING_KEY: config.qstashNextSigningKey,
      PROJECTION_PREFIX: config.projectionPrefix,
      ADMIN_TOKEN: config.adminToken,
      // Locally the default list (the original API, no listId) is open to every caller, so the original walkthrough
      // runs verbatim; a deployment binds API_TOKEN instead (docs/security.md).
      PUBLIC_DEFAULT_LIST: "true",
    };
    return { config, redisServer, redis, kafka, qstash, redpanda, env, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Renders settings as `KEY=value` lines that a shell can `source` (values are validated to need no quoting). */
export function renderEnvFile(env: Record<string, string>): string {
  return `${Object.entries(env)
    .map(([k, v]) => {
      if (!/^[A-Za-z0-9_.:/@%+=,[\]-]*$/.test(v))
        throw new Error(`${k} has a value that would need shell quoting`);
      return `${k}=${v}`;
    })
    .join("\n")}\n`;
}
