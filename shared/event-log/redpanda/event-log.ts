/**
 * Event log adapter for Kafka through Redpanda's HTTP Proxy (pandaproxy): `POST /topics/{t}` to produce and
 * the stateless `GET /topics/{t}/partitions/{p}/records?offset=&timeout=&max_bytes=` to read, with Basic auth.
 * Keys and values travel in the binary embedded format (base64), so the bytes stored are exactly the UTF-8 of
 * the value given, whoever reads them later. The proxy exposes no record timestamps, so records carry 0.
 */
import { isJsonRecord } from "../../domain";
import { ConfigError, UpstreamError } from "../../errors";
import { assertContiguous, LogGapError } from "../contiguous";
import { entryOf } from "../kafka-entry";
import { partitioning } from "../partitioning";
import { type EventLog, type LogRecord, partitionOf, type ReadOptions } from "../port";
import { findEnd, type Probe } from "./head";
import { base64ToUtf8, createTransport, MEDIA, RedpandaRefusal, utf8ToBase64 } from "./http";
import { baseOffset, checkSize, MAX_APPEND_BYTES, MAX_RECORD_BYTES } from "./produce";

export { MAX_APPEND_BYTES, MAX_RECORD_BYTES };

export interface RedpandaEventLogOptions {
  /** The HTTP Proxy's base URL (`REDPANDA_PROXY_URL`), e.g. `https://proxy.example.com:30082`. */
  url: string;
  /** Basic auth (`REDPANDA_USERNAME`, `REDPANDA_PASSWORD`); both or neither, for a proxy without auth. */
  username?: string;
  password?: string;
  topic: string;
  partitions: number;
  /** Per-request time limit in ms (default 5000). */
  timeoutMs?: number;
  /** `max_bytes` of a read (default 1 MiB); the first batch is answered whatever its size. */
  maxReadBytes?: number;
  fetch?: typeof fetch;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const PARTITION_NOT_FOUND = 40402;

/** The bytes of a fetched record's key and value, from their base64 lengths. */
function encodedBytes(raw: unknown): number {
  if (!isJsonRecord(raw)) return 0;
  const b64 = (v: unknown) => (typeof v === "string" ? Math.floor((v.length * 3) / 4) : 0);
  return b64(raw.key) + b64(raw.value);
}

/** Builds the event log over a Redpanda HTTP Proxy. */
export function createRedpandaEventLog(config: RedpandaEventLogOptions): EventLog {
  if (!TOPIC_NAME.test(config.topic) || config.topic === "." || config.topic === "..") {
    throw new ConfigError(
      "EVENT_LOG_TOPIC",
      "must be a Kafka topic name: 1-249 characters of A-Z a-z 0-9 . _ -",
    );
  }
  const port = new URL(config.url).port;
  if (config.url.startsWith("https:") && port !== "" && port !== "443") {
    throw new ConfigError(
      "REDPANDA_PROXY_URL",
      "names a port other than 443, but deployed Workers send https requests to port 443 whatever the URL says; serve the proxy on 443 (behind a TLS-terminating load balancer or reverse proxy)",
    );
  }
  let authorization: string | undefined;
  try {
    if (config.username !== undefined && config.password !== undefined) {
      authorization = `Basic ${btoa(`${config.username}:${config.password}`)}`;
    }
  } catch {
    throw new ConfigError("REDPANDA_USERNAME", "and REDPANDA_PASSWORD must be Latin-1 text (Basic auth)");
  }
  const http = createTransport({
    url: config.url,
    authorization,
    timeoutMs: config.timeoutMs ?? 5000,
    fetch: config.fetch ?? fetch,
  });
  const { topic, partitions } = config;
  const maxReadBytes = config.maxReadBytes ?? 1024 * 1024;
  /**
   * The largest record this adapter has read, in bytes. A read with a limit asks for about `limit` records of
   * that size rather than `maxReadBytes`: the proxy fills `max_bytes` with whole batches, and what is past the
   * limit would be fetched, encoded and decoded only to be dropped.
   */
  let largestRecord = 1024;
  const readBytes = (limit: number | undefined) =>
    limit === undefined ? maxReadBytes : Math.min(maxReadBytes, Math.max(16 * 1024, limit * largestRecord));
  const topicPath = `/topics/${topic}`;
  /** Per partition, an offset this adapter has seen the log reach: where a head search starts. */
  const reached = new Map<number, number>();
  const saw = (partition: number, next: number) =>
    reached.set(partition, Math.max(reached.get(partition) ?? 0, next));

  /** The raw records of one fetch, or undefined when the topic or partition does not exist. */
  async function fetchRecords(partition: number, offset: number, maxBytes: number, waitMs: number) {
    const query = `offset=${offset}&timeout=${waitMs}&max_bytes=${maxBytes}`;
    try {
      const answer = await http.request("GET", `${topicPath}/partitions/${partition}/records?${query}`, {
        headers: { accept: MEDIA.binary },
        write: false,
        extraMs: waitMs,
      });
      if (!Array.isArray(answer))
        throw new UpstreamError("kafka", "fetch answered something other than an array");
      return answer;
    } catch (err) {
      if (err instanceof RedpandaRefusal && err.errorCode === PARTITION_NOT_FOUND) {
        await assertTopicAbsent(partition);
        return undefined;
      }
      throw err;
    }
  }

  /** An unknown topic is an empty log; a known topic without this partition is a misconfiguration. */
  async function assertTopicAbsent(partition: number): Promise<void> {
    const topics = await http.request("GET", "/topics", { headers: { accept: MEDIA.v2 }, write: false });
    if (Array.isArray(topics) && topics.includes(topic)) {
      throw new UpstreamError(
        "kafka",
        `topic ${topic} has no partition ${partition}; EVENT_LOG_PARTITIONS (${partitions}) must not exceed its partition count`,
      );
    }
  }

  /** The offset of a fetched record, checked to be one of this partition's records (nothing is decoded). */
  function offsetOf(raw: unknown, partition: number): number {
    const entry = entryOf(raw, topic, partition);
    if (
      entry === undefined ||
      (entry.value !== null && typeof entry.value !== "string") ||
      (entry.key !== null && entry.key !== undefined && typeof entry.key !== "string")
    ) {
      throw new UpstreamError(
        "kafka",
        `fetch answered a malformed record: ${JSON.stringify(raw).slice(0, 200)}`,
      );
    }
    return entry.offset;
  }

  function toLogRecord(raw: unknown, partition: number): LogRecord {
    const offset = offsetOf(raw, partition);
    const fields = raw as { key?: unknown; value?: unknown };
    const text = (v: unknown) => (typeof v === "string" ? base64ToUtf8(v) : "");
    return { partition, offset, timestamp: 0, key: text(fields.key), value: text(fields.value) };
  }

  async function probe(partition: number, offset: number): Promise<Probe | "no-topic"> {
    try {
      const records = await fetchRecords(partition, offset, 1, 0);
      if (records === undefined) return "no-topic";
      if (records.length === 0) return { kind: "end" };
      const last = records.reduce((max: number, r) => Math.max(max, offsetOf(r, partition)), -1);
      return { kind: "below", next: Math.max(offset + 1, last + 1) };
    } catch (err) {
      if (err instanceof RedpandaRefusal && err.status === 400 && /offset_out_of_range/.test(err.message)) {
        return { kind: "beyond" };
      }
      throw err;
    }
  }

  async function headOf(partition: number): Promise<number> {
    let topicMissing = false;
    const end = await findEnd(async (offset) => {
      const answer = await probe(partition, offset);
      if (answer !== "no-topic") return answer;
      topicMissing = true;
      return { kind: "end" };
    }, reached.get(partition) ?? 0);
    if (topicMissing) return 0;
    saw(partition, end);
    return end;
  }

  return {
    ...partitioning(partitions),

    async append(key, values) {
      const partition = partitionOf(key, partitions);
      checkSize(key, values);
      const encodedKey = utf8ToBase64(key);
      const body = JSON.stringify({
        records: values.map((value) => ({ key: encodedKey, value: utf8ToBase64(value), partition })),
      });
      const answer = await http.request("POST", topicPath, {
        headers: { "content-type": MEDIA.binary, accept: MEDIA.v2 },
        body,
        write: true,
      });
      const base = baseOffset(answer, topic, partition);
      // One request to one partition is one batch: its records are at consecutive offsets from the base.
      saw(partition, base + values.length);
      return values.map((value, i) => ({ partition, offset: base + i, timestamp: 0, key, value }));
    },

    async read(partition, fromOffset, options: ReadOptions = {}) {
      const waitMs = options.waitMs ?? 0;
      let raw: unknown[] | undefined;
      try {
        raw = await fetchRecords(partition, fromOffset, readBytes(options.limit), waitMs);
      } catch (err) {
        if (!(err instanceof RedpandaRefusal && /offset_out_of_range/.test(err.message))) throw err;
        // Past the end is nothing there yet; below the start, records were deleted, which the fold must not skip.
        if (fromOffset >= (await headOf(partition))) return [];
        throw new LogGapError(
          "kafka",
          `${topic}/${partition} no longer holds offset ${fromOffset}: the topic must keep every record (retention.ms=-1)`,
        );
      }
      if (raw === undefined) return [];
      // Whole batches come back, so records below the asked offset (and past the limit) are dropped before
      // anything is decoded.
      const records = raw
        .map((r) => ({ r, offset: offsetOf(r, partition) }))
        .filter(({ offset }) => offset >= fromOffset)
        .sort((a, b) => a.offset - b.offset)
        .slice(0, options.limit ?? raw.length)
        .map(({ r }) => toLogRecord(r, partition));
      assertContiguous(records, fromOffset, {
        service: "kafka",
        what: `fetch of ${topic}/${partition}`,
        advice:
          "the topic must keep every record: cleanup.policy=delete, retention.ms=-1, no transactional producers",
      });
      const last = records.at(-1);
      if (last) saw(partition, last.offset + 1);
      for (const r of raw) largestRecord = Math.max(largestRecord, encodedBytes(r));
      return records;
    },

    head: headOf,
  };
}
