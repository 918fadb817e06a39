/**
 * The event log contract against the in-memory log, so the in-process specifications fold a log that behaves as
 * the real ones do. Its faults are its own (`fail`). It has no process of its own to kill, so the
 * crash test is skipped for it.
 */
import {
  createMemoryLogs,
  MAX_RECORD_BYTES,
  type MemoryEventLog,
} from "../../shared/event-log/memory/event-log";
import { eventLogContract, type LogSubject } from "./contract";

eventLogContract("memory", async (): Promise<LogSubject> => {
  const logs = createMemoryLogs();
  const opened = new Map<string, MemoryEventLog[]>();
  return {
    largestRecordBytes: MAX_RECORD_BYTES,
    open(topic, options = {}) {
      const log = logs.open(topic, {
        partitions: options.partitions ?? 1,
        ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      });
      if (options.wrongCredentials) log.fail("append", "refuse");
      opened.set(topic, [...(opened.get(topic) ?? []), log]);
      return log;
    },
    async failNextAppend(topic, fault) {
      // The in-memory log answers a status as the one rule reads it: stored unless the status proves a refusal.
      const memoryFault =
        typeof fault === "string"
          ? fault
          : { status: "refusedWith" in fault ? fault.refusedWith : fault.storedThen };
      for (const log of opened.get(topic) ?? []) log.fail("append", memoryFault, 1);
    },
    async loseRecords(topic, partition, offsets) {
      // Topics share their records across logs, so one log's `lose` is every log's.
      opened.get(topic)?.[0]?.lose(partition, offsets);
    },
    async clearFaults() {
      for (const logs of opened.values()) for (const log of logs) log.heal();
    },
    async close() {},
  };
});
