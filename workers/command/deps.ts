/** Builds the command worker's adapters from its bindings (validated at first use, per request). */
import { type Bindings, kafkaConfig, qstashConfig, redisConfig } from "../../shared/config";
import { createUpstashKafkaEventLog } from "../../shared/event-log/upstash-kafka";
import { createQStashNotifier } from "../../shared/notifier/qstash";
import { createIdempotencyStore } from "../../shared/projection/idempotency";
import { createProjectionStore } from "../../shared/projection/store";

export function commandDeps(env: Bindings) {
  const redis = redisConfig(env);
  return {
    log: createUpstashKafkaEventLog(kafkaConfig(env)),
    store: createProjectionStore(redis),
    idempotency: createIdempotencyStore(redis),
    notifier: createQStashNotifier(qstashConfig(env)),
  };
}

export type CommandDeps = ReturnType<typeof commandDeps>;
