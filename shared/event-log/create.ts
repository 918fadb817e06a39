/** Builds the event log the bindings select (`EVENT_LOG`); the only place that knows every adapter. */
import type { EventLogConfig } from "../config";
import type { EventLog } from "./port";
import { createRedisStreamsEventLog } from "./redis-streams/event-log";
import { createRedpandaEventLog } from "./redpanda/event-log";
import { createUpstashKafkaEventLog } from "./upstash-kafka/event-log";

export function createEventLog(config: EventLogConfig): EventLog {
  switch (config.backend) {
    case "upstash-kafka":
      return createUpstashKafkaEventLog(config);
    case "redis-streams":
      return createRedisStreamsEventLog(config);
    case "redpanda":
      return createRedpandaEventLog(config);
    default: {
      const unknown: never = config;
      throw new Error(`no event log adapter for ${JSON.stringify(unknown)}`);
    }
  }
}
