/**
 * Event log adapter for Kafka through Redpanda's HTTP Proxy (pandaproxy).
 * PLACEHOLDER: the adapter itself is being built on another branch, which replaces this file.
 */
import { ConfigError } from "../errors";
import type { EventLog } from "./port";

export interface RedpandaEventLogOptions {
  /** The HTTP Proxy's base URL (`REDPANDA_PROXY_URL`). */
  url: string;
  /** Basic auth (`REDPANDA_USERNAME`, `REDPANDA_PASSWORD`); both or neither. */
  username?: string;
  password?: string;
  topic: string;
  partitions: number;
  /** Per-request time limit in ms (default 5000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createRedpandaEventLog(_options: RedpandaEventLogOptions): EventLog {
  throw new ConfigError("EVENT_LOG", "= redpanda is not built yet; use upstash-kafka or redis-streams");
}
