/**
 * An event log in memory, for specifications that run in-process in milliseconds: it keeps the port's contract
 * (dense offsets from 0 per partition, one append contiguous, a key's records in its partition, `[]` and head 0 for
 * a topic nothing was appended to) and passes the same contract suite as the adapters over real engines.
 *
 * A test makes it fail as a real log fails, through `fail`: a refusal stores nothing; a call that times out or whose
 * connection drops has done its work (the outcome is unknown to the caller, so the adversarial answer is that it
 * happened). An append answered with a status is read by the one rule of append-outcome.ts, as every adapter reads
 * it: a status that proves a refusal stores nothing, any other is answered after the records were stored. Records
 * larger than a real engine takes are refused before anything is stored, as the adapters do. `lose` deletes stored
 * records, as retention or a hand deletion would: a read across them fails, as the adapters' reads do.
 */
import { type Service, UpstreamError, UpstreamTimeoutError, UpstreamUnknownOutcomeError } from "../../errors";
import { appendFailure, appendOutcomeOf, unusableAppendAnswer } from "../append-outcome";
import { assertContiguous } from "../contiguous";
import { type EventLog, type LogRecord, partitionOf, type ReadOptions } from "../port";

/** Largest record value, in UTF-8 bytes (the smallest the real adapters take is 900 kB; 1 MiB is Redis's). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * How a call fails: refused before doing anything, no answer within the time limit, the connection dropped, or
 * answered `status` (for an append: before storing if the status proves a refusal, after storing otherwise).
 */
export type MemoryFault = "refuse" | "timeout" | "drop" | { status: number };
export type MemoryOperation = "append" | "read" | "head";

export interface MemoryEventLog extends EventLog {
  /** Makes the next `times` calls of `operation` (default: every one until `heal`) fail as `fault` says. */
  fail(operation: MemoryOperation, fault: MemoryFault, times?: number): void;
  /** Clears every fault. */
  heal(): void;
  /** Deletes the stored records at `offsets` of `partition`; the next offset to be written stays where it was. */
  lose(partition: number, offsets: readonly number[]): void;
}

export interface MemoryLogOptions {
  partitions?: number;
  /** The service its errors name (default "kafka"; "redis" for a log kept in Redis Streams). */
  service?: Service;
  /** The time limit a timed-out call reports, ms (default 5000); nothing waits for it. */
  timeoutMs?: number;
  /** The clock of record timestamps (default Date.now). */
  now?: () => number;
  /** Whether a short read tells the end (see EventLog), as Redis Streams' does (default: for service "redis"). */
  shortReadsEnd?: boolean;
}

/** Topics in one process's memory: every log opened on a topic shares its records, as clients of one engine do. */
export interface MemoryLogs {
  open(topic: string, options?: MemoryLogOptions): MemoryEventLog;
}

export function createMemoryLogs(): MemoryLogs {
  const topics = new Map<string, Slots[]>();
  const partitionsOf = (topic: string): Slots[] => {
    let partitions = topics.get(topic);
    if (partitions === undefined) {
      partitions = [];
      topics.set(topic, partitions);
    }
    return partitions;
  };
  return { open: (topic, options = {}) => memoryLog(partitionsOf(topic), options) };
}

/** A log on a topic of its own. */
export function createMemoryEventLog(options: MemoryLogOptions = {}): MemoryEventLog {
  return createMemoryLogs().open("events", options);
}

/** A partition's records by offset; a lost record leaves its slot empty. */
type Slots = Array<LogRecord | undefined>;

function memoryLog(stored: Slots[], options: MemoryLogOptions): MemoryEventLog {
  const partitions = options.partitions ?? 1;
  const service = options.service ?? "kafka";
  const timeoutMs = options.timeoutMs ?? 5000;
  const now = options.now ?? Date.now;
  const faults = new Map<MemoryOperation, { fault: MemoryFault; left: number }>();
  const partition = (p: number): Slots => {
    let records = stored[p];
    if (records === undefined) {
      records = [];
      stored[p] = records;
    }
    return records;
  };

  /** Runs `work` unless a fault refuses it; a timeout, a drop or an unsettling status is raised after the work. */
  async function call<T>(operation: MemoryOperation, work: () => T): Promise<T> {
    const planned = faults.get(operation);
    if (planned !== undefined && --planned.left <= 0) faults.delete(operation);
    const fault = planned?.fault;
    if (fault === "refuse") throw new UpstreamError(service, `${operation} refused (injected fault)`, 400);
    if (typeof fault === "object") {
      const message = `${operation} answered ${fault.status} (injected fault)`;
      if (operation !== "append") throw new UpstreamError(service, message, fault.status);
      if (appendOutcomeOf(fault.status) === "refused") throw appendFailure(service, fault.status, message);
      work();
      if (appendOutcomeOf(fault.status) === "committed")
        throw unusableAppendAnswer(
          service,
          fault.status,
          "its body is not the acknowledgement (injected fault)",
        );
      throw appendFailure(service, fault.status, message);
    }
    const result = work();
    if (fault === "timeout") throw new UpstreamTimeoutError(service, timeoutMs);
    if (fault === "drop")
      throw new UpstreamUnknownOutcomeError(service, "the connection dropped (injected fault)");
    return result;
  }

  return {
    partitions,
    ...((options.shortReadsEnd ?? service === "redis") && { shortReadsEnd: true }),
    partitionFor: (key) => partitionOf(key, partitions),
    async append(key, values) {
      refuseTooLarge(service, values);
      return call("append", () => {
        const p = partitionOf(key, partitions);
        const records = partition(p);
        const timestamp = now();
        const first = records.length;
        const appended = values.map((value, i) => ({
          partition: p,
          offset: first + i,
          timestamp,
          key,
          value,
        }));
        for (const record of appended) records.push(record);
        return appended.map((record) => ({ ...record }));
      });
    },
    read(p, fromOffset, readOptions: ReadOptions = {}) {
      return call("read", () => {
        const slots = partition(p);
        const end = readOptions.limit === undefined ? undefined : fromOffset + readOptions.limit;
        const records = slots.slice(fromOffset, end).flatMap((record) => (record ? [{ ...record }] : []));
        assertContiguous(records, fromOffset, { service, what: "read", end: slots.length });
        return records;
      });
    },
    head: (p) => call("head", () => partition(p).length),
    fail(operation, fault, times = Number.POSITIVE_INFINITY) {
      faults.set(operation, { fault, left: times });
    },
    heal: () => faults.clear(),
    lose(p, offsets) {
      const slots = partition(p);
      for (const offset of offsets) if (offset < slots.length) slots[offset] = undefined;
    },
  };
}

function refuseTooLarge(service: Service, values: readonly string[]): void {
  const encoder = new TextEncoder();
  for (const value of values) {
    const bytes = encoder.encode(value).byteLength;
    if (bytes > MAX_RECORD_BYTES) {
      throw new UpstreamError(
        service,
        `a record of ${bytes} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`,
        413,
      );
    }
  }
}
