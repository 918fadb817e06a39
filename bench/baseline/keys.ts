/** The baseline's bindings and Redis keys (the original's `tasks`, `task:{id}`, `offset`, under a prefix). */
export interface BaselineBindings {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  UPSTASH_KAFKA_URL: string;
  UPSTASH_KAFKA_USERNAME: string;
  UPSTASH_KAFKA_PASSWORD: string;
  UPSTASH_KAFKA_TOPIC: string;
  QSTASH_URL: string;
  QSTASH_TOKEN: string;
  QSTASH_CURRENT_SIGNING_KEY: string;
  QSTASH_NEXT_SIGNING_KEY: string;
  PROJECTOR_URL: string;
  /** Namespace of the baseline's keys, so it never meets ours in the shared Redis. */
  PROJECTION_PREFIX: string;
}

export function keysOf(env: { PROJECTION_PREFIX: string }) {
  const prefix = env.PROJECTION_PREFIX;
  return {
    tasks: `${prefix}:tasks`,
    offset: `${prefix}:offset`,
    task: (id: string | number) => `${prefix}:task:${id}`,
  };
}
