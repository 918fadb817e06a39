/**
 * A contract subject's faults for an engine behind an emulator: each becomes a fault posted to the emulator's
 * `/__emulator/faults` (local/common/faults.ts) that matches the next append to the topic.
 */
import type { AppendFault, LogSubject } from "./contract";

/** The emulator's fault for each of the contract's (see `LogSubject.failNextAppend`). */
const EMULATOR_FAULTS: Record<AppendFault, Record<string, unknown>> = {
  refuse: { kind: "fail", status: 400 },
  timeout: { kind: "timeout", ms: 3000 },
  drop: { kind: "timeout", ms: 50 },
};

/**
 * `appendsTo` picks a topic's appends out (fault fields `path` / `bodyIncludes`); by default the topic appears in
 * the request body (Redpanda's produce names it only in its path).
 */
export function emulatorFaults(
  emulatorUrl: string,
  appendsTo: (topic: string) => Record<string, unknown> = (topic) => ({ bodyIncludes: topic }),
): Pick<LogSubject, "failNextAppend" | "clearFaults"> {
  const faults = `${emulatorUrl}/__emulator/faults`;
  return {
    async failNextAppend(topic, fault) {
      const res = await fetch(faults, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...EMULATOR_FAULTS[fault], ...appendsTo(topic) }),
      });
      if (!res.ok) throw new Error(`fault injection answered ${res.status}: ${await res.text()}`);
    },
    async clearFaults() {
      await fetch(faults, { method: "DELETE" });
    },
  };
}
