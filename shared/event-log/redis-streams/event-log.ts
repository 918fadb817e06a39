/**
 * Event log adapter over Redis Streams, spoken through the Upstash Redis REST API (`POST /` with one command).
 * One stream per partition; offset N is the entry id `N-1`, so offsets stay dense integers from 0 and a
 * position means the same here as on Kafka. One script appends a command's records: it reads the stream's last
 * id and adds the records after it, so they are contiguous and no other writer lands between them.
 *
 * A small typed `fetch` client rather than `@upstash/redis`, for the same reason as the Kafka adapter: every call
 * has a bounded time and is sent once. A retried append would append twice, since the script picks the offsets.
 */
import { isJsonRecord } from "../../domain";
import { ConfigError, UpstreamError, UpstreamUnknownOutcomeError } from "../../errors";
import { noAnswer } from "../no-answer";
import { partitioning } from "../partitioning";
import { type EventLog, type LogRecord, partitionOf, type ReadOptions } from "../port";
import { APPEND_SCRIPT, appendScriptSha } from "./script";

export interface RedisStreamsConfig {
  /** Upstash Redis REST URL (or a compatible front end). */
  url: string;
  token: string;
  /** Names the streams: `log:{<topic>:<partition>}`. */
  topic: string;
  partitions: number;
  /** Per-request time limit in ms (default 5000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Records a read returns when the caller sets no limit; the port allows fewer than asked. */
export const DEFAULT_READ_LIMIT = 1000;
/** Largest record value, in UTF-8 bytes: Upstash's per-request limit is 10 MB on every plan. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Largest append (all of one command's values), so one script call stays well under that request limit. */
export const MAX_APPEND_BYTES = 8 * 1024 * 1024;

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,200}$/;
const ENTRY_ID = /^(\d+)-1$/;

/**
 * The stream of one partition. The braces are a hash tag: on Redis Cluster every key of a partition hashes to
 * one slot (a partition has one key today; anything added per partition must reuse the tag).
 */
export function streamKey(topic: string, partition: number): string {
  return `log:{${topic}:${partition}}`;
}

/** One stream entry `[id, [field, value, ...]]` as a record of `partition`. */
function toLogRecord(raw: unknown, partition: number): LogRecord {
  const bad = () =>
    new UpstreamError("redis", `stream answered a malformed entry: ${JSON.stringify(raw).slice(0, 200)}`);
  if (!Array.isArray(raw) || typeof raw[0] !== "string" || !Array.isArray(raw[1])) throw bad();
  const offset = ENTRY_ID.exec(raw[0])?.[1];
  if (offset === undefined) throw bad();
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < raw[1].length; i += 2) fields.set(String(raw[1][i]), raw[1][i + 1]);
  const value = fields.get("v");
  const key = fields.get("k");
  const timestamp = Number(fields.get("t"));
  if (typeof value !== "string" || typeof key !== "string" || !Number.isFinite(timestamp)) throw bad();
  return { partition, offset: Number(offset), timestamp, key, value };
}

/** Builds the event log over Redis Streams behind an Upstash-Redis-REST-compatible endpoint. */
export function createRedisStreamsEventLog(config: RedisStreamsConfig): EventLog {
  if (!TOPIC_NAME.test(config.topic)) {
    throw new ConfigError(
      "EVENT_LOG_TOPIC",
      `"${config.topic}" must be 1-200 characters of A-Z a-z 0-9 . _ -`,
    );
  }
  const base = config.url.replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? 5000;
  const doFetch = config.fetch ?? fetch;
  const { topic, partitions } = config;

  /**
   * Sends one command. For a write, only a 4xx answer is a definite refusal (the command did not run: a syntax or
   * script error, bad credentials, a size limit, NOSCRIPT). A lost connection, a timeout, a 5xx or an answer we
   * cannot read may come after the script ran, so it is an unknown outcome.
   */
  async function command(args: readonly (string | number)[], write: boolean): Promise<unknown> {
    const what = String(args[0]).toUpperCase();
    let res: Response;
    let text: string;
    try {
      res = await doFetch(base, {
        method: "POST",
        headers: { authorization: `Bearer ${config.token}`, "content-type": "application/json" },
        body: JSON.stringify(args),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw noAnswer("redis", { what, write, limitMs: timeoutMs }, err);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const refused = res.status >= 400 && res.status < 500;
    if (res.ok && isJsonRecord(parsed) && "result" in parsed) return parsed.result;
    const reason =
      isJsonRecord(parsed) && typeof parsed.error === "string"
        ? parsed.error
        : text.slice(0, 200) || "no body";
    const message = `${what} answered ${res.status}: ${reason}`;
    if (write && !refused) throw new UpstreamUnknownOutcomeError("redis", message);
    throw new UpstreamError("redis", message, res.status);
  }

  function checkSizes(values: readonly string[]): void {
    const encoder = new TextEncoder();
    let total = 0;
    for (const value of values) {
      const bytes = encoder.encode(value).byteLength;
      if (bytes > MAX_RECORD_BYTES)
        throw new UpstreamError(
          "redis",
          `a record of ${bytes} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`,
          413,
        );
      total += bytes;
    }
    if (total > MAX_APPEND_BYTES)
      throw new UpstreamError(
        "redis",
        `an append of ${total} bytes exceeds the ${MAX_APPEND_BYTES}-byte limit`,
        413,
      );
  }

  return {
    ...partitioning(partitions),

    async append(key, values) {
      if (values.length === 0) return [];
      checkSizes(values);
      const partition = partitionOf(key, partitions);
      const tail = [1, streamKey(topic, partition), Date.now(), key, ...values];
      let answer: unknown;
      try {
        answer = await command(["EVALSHA", await appendScriptSha(), ...tail], true);
      } catch (err) {
        // The script is not cached on this server yet (a definite refusal: nothing ran); send its text once.
        if (!(err instanceof UpstreamError && err.status !== undefined && /NOSCRIPT/.test(err.message)))
          throw err;
        answer = await command(["EVAL", APPEND_SCRIPT, ...tail], true);
      }
      const first = Array.isArray(answer) ? Number(answer[0]) : Number.NaN;
      const timestamp = Array.isArray(answer) ? Number(answer[1]) : Number.NaN;
      if (!Number.isInteger(first) || first < 0 || !Number.isFinite(timestamp)) {
        throw new UpstreamUnknownOutcomeError(
          "redis",
          `append answered ${JSON.stringify(answer).slice(0, 200)}; the records may have been stored`,
        );
      }
      return values.map((value, i) => ({ partition, offset: first + i, timestamp, key, value }));
    },

    async read(partition, fromOffset, options: ReadOptions = {}) {
      // Streams cannot be waited on over REST (blocking commands are refused), so `waitMs` answers at once.
      const limit = options.limit ?? DEFAULT_READ_LIMIT;
      if (limit < 1) return [];
      const answer = await command(
        ["XRANGE", streamKey(topic, partition), `${fromOffset}-0`, "+", "COUNT", limit],
        false,
      );
      if (!Array.isArray(answer))
        throw new UpstreamError("redis", "XRANGE answered something other than an array");
      return answer.map((entry) => toLogRecord(entry, partition));
    },

    async head(partition) {
      const answer = await command(["XREVRANGE", streamKey(topic, partition), "+", "-", "COUNT", 1], false);
      if (!Array.isArray(answer))
        throw new UpstreamError("redis", "XREVRANGE answered something other than an array");
      const last = answer[0];
      return last === undefined ? 0 : toLogRecord(last, partition).offset + 1;
    },
  };
}
