/**
 * Event log adapter for the Upstash Kafka REST protocol (POST /produce, /fetch, /offsets/latest; Basic auth).
 * A small typed `fetch` client rather than `@upstash/kafka`, which retries every failure for ~15 s and takes
 * no timeout: on the request path every call here has a bounded time and fails once, clearly.
 */
import { isJsonRecord } from "../../domain";
import { ConfigError, UpstreamError } from "../../errors";
import { appendFailure, unusableAppendAnswer } from "../append-outcome";
import { assertContiguous } from "../contiguous";
import { entryOf } from "../kafka-entry";
import { noAnswer } from "../no-answer";
import { partitioning } from "../partitioning";
import { type EventLog, type LogRecord, partitionOf, type ReadOptions } from "../port";

export interface UpstashKafkaConfig {
  url: string;
  username: string;
  password: string;
  topic: string;
  partitions: number;
  /** Per-request time limit in ms (default 5000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

function toLogRecord(raw: unknown, topic: string, partition: number): LogRecord {
  const entry = entryOf(raw, topic, partition);
  if (entry === undefined || typeof entry.value !== "string") {
    throw new UpstreamError(
      "kafka",
      `fetch answered a malformed record: ${JSON.stringify(raw).slice(0, 200)}`,
    );
  }
  return {
    partition,
    offset: entry.offset,
    timestamp: typeof entry.timestamp === "number" ? entry.timestamp : 0,
    key: typeof entry.key === "string" ? entry.key : "",
    value: entry.value,
  };
}

/** Builds the event log over an Upstash-Kafka-REST-compatible endpoint. */
export function createUpstashKafkaEventLog(config: UpstashKafkaConfig): EventLog {
  if (!TOPIC_NAME.test(config.topic) || config.topic === "." || config.topic === "..") {
    throw new ConfigError(
      "UPSTASH_KAFKA_TOPIC",
      "must be a Kafka topic name: 1-249 characters of A-Z a-z 0-9 . _ -",
    );
  }
  let authorization: string;
  try {
    authorization = `Basic ${btoa(`${config.username}:${config.password}`)}`;
  } catch {
    throw new ConfigError(
      "UPSTASH_KAFKA_USERNAME",
      "and UPSTASH_KAFKA_PASSWORD must be Latin-1 text (Basic auth)",
    );
  }
  const base = config.url.replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? 5000;
  const doFetch = config.fetch ?? fetch;
  const { topic, partitions } = config;

  /**
   * One request. For a write (`/produce`) every answer that does not prove a refusal is an unknown outcome (see
   * ../append-outcome.ts): a lost connection, a 5xx, a 408, a body that is not JSON; the log may hold the records.
   */
  async function call(path: string, body: unknown, extraMs = 0): Promise<unknown> {
    const limit = timeoutMs + extraMs;
    const write = path === "/produce";
    let res: Response;
    let text: string;
    try {
      res = await doFetch(`${base}${path}`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(limit),
      });
      text = await res.text();
    } catch (err) {
      throw noAnswer("kafka", { what: `request to ${path}`, write, limitMs: limit }, err);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const message = `${path} answered ${res.status} with a non-JSON body`;
      if (!write) throw new UpstreamError("kafka", message, res.status);
      if (res.ok) throw unusableAppendAnswer("kafka", res.status, "its body is not JSON");
      throw appendFailure("kafka", res.status, message);
    }
    if (!res.ok) {
      const reason = isJsonRecord(parsed) && typeof parsed.error === "string" ? parsed.error : text;
      const message = `${path} answered ${res.status}: ${reason.slice(0, 200)}`;
      if (write) throw appendFailure("kafka", res.status, message);
      throw new UpstreamError("kafka", message, res.status);
    }
    return parsed;
  }

  return {
    ...partitioning(partitions),

    async append(key, values) {
      const partition = partitionOf(key, partitions);
      const answer = await call(
        "/produce",
        values.map((value) => ({ topic, partition, key, value })),
      );
      if (!Array.isArray(answer) || answer.length !== values.length) {
        throw unusableAppendAnswer(
          "kafka",
          200,
          `its body is ${JSON.stringify(answer).slice(0, 200)} for ${values.length} records`,
        );
      }
      return answer.map((raw, i) => {
        const meta = entryOf(raw, topic, partition);
        if (meta === undefined) {
          throw unusableAppendAnswer(
            "kafka",
            200,
            `it carries no usable metadata: ${JSON.stringify(raw).slice(0, 200)}`,
          );
        }
        const timestamp = typeof meta.timestamp === "number" ? meta.timestamp : 0;
        return { partition, offset: meta.offset, timestamp, key, value: values[i] ?? "" };
      });
    },

    /**
     * The Upstash fetch request has no field for a record count (the server picks its batch size), so `limit` cuts
     * the answer here. The answer must start at `fromOffset` and be contiguous: a log whose offsets are not dense
     * (retention, compaction, a proxy dropping records) fails loudly instead of letting a reader skip events.
     */
    async read(partition, fromOffset, options: ReadOptions = {}) {
      const waitMs = options.waitMs ?? 0;
      const answer = await call("/fetch", { topic, partition, offset: fromOffset, timeout: waitMs }, waitMs);
      if (!Array.isArray(answer))
        throw new UpstreamError("kafka", "fetch answered something other than an array");
      // Some Kafka REST proxies return whole batches, including offsets below the one asked for.
      const records = answer
        .map((r) => toLogRecord(r, topic, partition))
        .filter((r) => r.offset >= fromOffset);
      records.sort((a, b) => a.offset - b.offset);
      assertContiguous(records, fromOffset, { service: "kafka", what: "fetch" });
      return options.limit === undefined ? records : records.slice(0, options.limit);
    },

    async head(partition) {
      const answer = await call("/offsets/latest", [{ topic, partition }]);
      const entry = Array.isArray(answer)
        ? answer.find((e) => isJsonRecord(e) && e.partition === partition)
        : undefined;
      if (!isJsonRecord(entry) || typeof entry.offset !== "number") {
        throw new UpstreamError("kafka", `offsets answered no offset for partition ${partition}`);
      }
      return Math.max(0, entry.offset);
    },
  };
}
