/**
 * `npm run dev:stack`: the local stack alone (Redis REST over redis-server, Kafka REST, QStash, and the Redpanda HTTP Proxy with EVENT_LOG=redpanda), for running
 * the workers or the tests against by hand. Ctrl-C or SIGTERM stops everything it started.
 */
import { loadStackConfig } from "./stack/config";
import { logLine, onShutdown, writeStackEnv } from "./stack/process";
import { startStack } from "./stack/start";

const config = loadStackConfig(process.env);
const stack = await startStack(config, { log: (msg) => logLine("stack", msg), logDeliveries: true }).catch(
  (err: unknown) => {
    console.error(`dev:stack: ${(err as Error).message}`);
    process.exit(1);
  },
);
const envFile = await writeStackEnv(config.stateDir, stack.env);
onShutdown(() => stack.stop());
logLine("stack", "ready", {
  eventLog: config.eventLog,
  redis: stack.redis.url,
  kafka: stack.kafka.url,
  ...(stack.redpanda ? { redpanda: stack.redpanda.url } : {}),
  qstash: stack.qstash.url,
  redisServerPort: stack.redisServer.port,
  env: envFile,
  redisToken: config.redisToken,
  kafkaAuth: `${config.kafkaUsername}:${config.kafkaPassword}`,
  ...(stack.redpanda ? { redpandaAuth: `${config.redpandaUsername}:${config.redpandaPassword}` } : {}),
  qstashToken: config.qstashToken,
});
