/**
 * Event log adapter over Redis Streams, spoken through the Upstash Redis REST API (rest.ts).
 * One stream per partition; offset N is the entry id `N-1`, so offsets stay dense integers from 0 and a
 * position means the same here as on Kafka. One script appends a command's records: it takes the partition's next
 * offset from a counter kept beside the stream and adds the records from there, so they are contiguous, no other
 * writer lands between them, and no offset is given twice even if entries or the whole stream are deleted. In the
 * projection's own database, the same script can run another adapter's step after the records (`appendWith`: the
 * write guard's commit of the write appended).
 *
 * A read (one small script: the counter and the entries at once) checks what it got against that counter: records
 * trimmed or deleted below the end fail the read with a LogGapError (the projector then stops the partition at
 * its checkpoint) instead of being skipped.
 *
 * A small typed `fetch` client rather than `@upstash/redis`, for the same reason as the Kafka adapter: every call
 * has a bounded time and is sent once. A retried append would append twice, since the script picks the offsets.
 */
import { ConfigError, UpstreamError } from "../../errors";
import { unusableAppendAnswer } from "../append-outcome";
import { assertContiguous } from "../contiguous";
import { partitioning } from "../partitioning";
import { type AppendStep, type EventLog, type LogRecord, partitionOf, type ReadOptions } from "../port";
import { createRedisRest, ScriptNotLoadedError } from "./rest";
import { APPEND_SCRIPT, appendScriptSha, appendStepScript, HEAD_SCRIPT, READ_SCRIPT } from "./script";

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
 * one slot (anything added per partition must reuse the tag, as the counter does).
 */
export function streamKey(topic: string, partition: number): string {
  return `log:{${topic}:${partition}}`;
}

/**
 * The partition's next offset, kept apart from its stream by the append script: never delete it while the stream
 * (or any projection of it) is in use, or the next append could give an offset a second time.
 */
export function nextOffsetKey(topic: string, partition: number): string {
  return `log-next:{${topic}:${partition}}`;
}

/** The counter's value as the log answered it (a string, or null before the first append since it existed). */
function counterOf(raw: unknown, key: string): number | undefined {
  if (raw === null || raw === undefined) return undefined;
  const next = Number(raw);
  if (!Number.isSafeInteger(next) || next < 0)
    throw new UpstreamError("redis", `${key} holds ${JSON.stringify(raw).slice(0, 50)}, not an offset`);
  return next;
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
    throw new ConfigError("EVENT_LOG_TOPIC", "must be 1-200 characters of A-Z a-z 0-9 . _ -");
  }
  const rest = createRedisRest({
    url: config.url,
    token: config.token,
    timeoutMs: config.timeoutMs ?? 5000,
    fetch: config.fetch ?? fetch,
  });
  const { topic, partitions } = config;

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

  /**
   * The append script of a step, made once per step's Lua (a constant of the adapter that makes the step, so looked
   * up as the same string each time) and its number of arguments and refusal.
   */
  const stepScripts = new Map<string, Map<string, string>>();
  function stepScript(step: AppendStep): string {
    let byShape = stepScripts.get(step.lua);
    if (byShape === undefined) {
      byShape = new Map();
      stepScripts.set(step.lua, byShape);
    }
    const shape = `${step.args.length}:${step.refuses === true}`;
    let script = byShape.get(shape);
    if (script === undefined) {
      script = appendStepScript(step.lua, step.args.length, step.refuses === true);
      byShape.set(shape, script);
    }
    return script;
  }

  /** Runs an append script with `keys` after the stream's and `args` after the values (a step's, or none). */
  async function runAppend(
    script: string,
    key: string,
    values: readonly string[],
    keys: readonly string[],
    args: readonly string[],
  ): Promise<{ records: LogRecord[]; answer: unknown[] }> {
    checkSizes(values);
    const partition = partitionOf(key, partitions);
    const all = [streamKey(topic, partition), nextOffsetKey(topic, partition), ...keys];
    const tail = [all.length, ...all, Date.now(), key, ...values, ...args];
    let answer: unknown;
    try {
      answer = await rest.command(["EVALSHA", await appendScriptSha(script), ...tail], true);
    } catch (err) {
      // The script is not cached on this server yet (nothing ran): send its text once.
      if (!(err instanceof ScriptNotLoadedError)) throw err;
      answer = await rest.command(["EVAL", script, ...tail], true);
    }
    // A step's check that refused: nothing was written.
    if (Array.isArray(answer) && answer[0] === -1 && answer.length === 2) return { records: [], answer };
    const first = Array.isArray(answer) ? Number(answer[0]) : Number.NaN;
    const timestamp = Array.isArray(answer) ? Number(answer[1]) : Number.NaN;
    if (!Array.isArray(answer) || !Number.isInteger(first) || first < 0 || !Number.isFinite(timestamp)) {
      throw unusableAppendAnswer("redis", 200, `its result is ${JSON.stringify(answer).slice(0, 200)}`);
    }
    const records = values.map((value, i) => ({ partition, offset: first + i, timestamp, key, value }));
    return { records, answer };
  }

  return {
    ...partitioning(partitions),
    // One XRANGE with COUNT answers every entry up to its count, and a gap is an error (assertContiguous).
    shortReadsEnd: true,

    async append(key, values) {
      if (values.length === 0) return [];
      return (await runAppend(APPEND_SCRIPT, key, values, [], [])).records;
    },

    async appendWith(key, values, step) {
      if (values.length === 0) return { records: [], step: 0 };
      const { records, answer } = await runAppend(stepScript(step), key, values, step.keys, step.args);
      if (answer[0] === -1) return { refused: answer[1] };
      return { records, step: Number(answer[2]) };
    },

    async read(partition, fromOffset, options: ReadOptions = {}) {
      // Streams cannot be waited on over REST (blocking commands are refused), so `waitMs` answers at once.
      const limit = options.limit ?? DEFAULT_READ_LIMIT;
      if (limit < 1) return [];
      const stream = streamKey(topic, partition);
      const counter = nextOffsetKey(topic, partition);
      const answer = await rest.command(
        ["EVAL", READ_SCRIPT, 2, counter, stream, `${fromOffset}-0`, limit],
        false,
      );
      const [next, entries] = Array.isArray(answer) ? answer : [];
      if (!Array.isArray(entries))
        throw new UpstreamError("redis", "the read answered something other than a counter and entries");
      const records = entries.map((entry) => toLogRecord(entry, partition));
      const end = counterOf(next, counter);
      assertContiguous(records, fromOffset, {
        service: "redis",
        what: `XRANGE of ${stream}`,
        advice:
          "entries were trimmed or deleted by XTRIM, XDEL or eviction; a projection behind them cannot fold past them",
        ...(end !== undefined && { end }),
      });
      return records;
    },

    /** The counter's value; for a stream written before the counter existed, one past its last entry. */
    async head(partition) {
      const counter = nextOffsetKey(topic, partition);
      const answer = await rest.command(
        ["EVAL", HEAD_SCRIPT, 2, counter, streamKey(topic, partition)],
        false,
      );
      const [next, entries] = Array.isArray(answer) ? answer : [];
      if (!Array.isArray(entries))
        throw new UpstreamError("redis", "the head answered something other than a counter and an entry");
      const end = counterOf(next, counter);
      if (end !== undefined) return end;
      const last = entries[0];
      return last === undefined ? 0 : toLogRecord(last, partition).offset + 1;
    },
  };
}
