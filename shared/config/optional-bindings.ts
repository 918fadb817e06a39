/**
 * Bindings both workers read when they are set. `wrangler types` types every binding it finds as a required
 * string, and finds only what the wrangler config and the worker's `.dev.vars.example` set; these are left out of
 * both (or commented there) and declared here instead, so that each worker's `Env` says they may be missing.
 */
export interface OptionalBindings {
  /** QStash's base URL; unset means `https://qstash.upstash.io`. */
  QSTASH_URL?: string;
  /** A QStash URL group that pokes are published to instead of `PROJECTOR_URL`. */
  QSTASH_TOPIC?: string;
  /** The older name of `EVENT_LOG_TOPIC`. */
  UPSTASH_KAFKA_TOPIC?: string;
  /** The older name of `UPSTASH_KAFKA_URL`. */
  UPSTASH_KAFKA_REST_URL?: string;
  /** `EVENT_LOG=redis-streams`: a Redis of its own for the log, set with its token or not at all. */
  EVENT_LOG_REDIS_REST_URL?: string;
  EVENT_LOG_REDIS_REST_TOKEN?: string;
  /** `EVENT_LOG=redpanda`: the HTTP Proxy's base URL. */
  REDPANDA_PROXY_URL?: string;
  /** `EVENT_LOG=redpanda`: Basic auth, both set or both unset. */
  REDPANDA_USERNAME?: string;
  REDPANDA_PASSWORD?: string;
  /** Time limit of each Redis request in ms, 50 to 30000; unset means 5000. */
  REDIS_TIMEOUT_MS?: string;
  /** Time limit of each event log request in ms, 50 to 30000; unset means 5000. */
  EVENT_LOG_TIMEOUT_MS?: string;
  /** The older name of `EVENT_LOG_TIMEOUT_MS`. */
  KAFKA_TIMEOUT_MS?: string;
  /** A secret shared by both workers: the projector's notices to POST /live carry it; unset, live updates are off. */
  LIVE_SECRET?: string;
}
