/**
 * A contract subject's faults for an engine behind an emulator: each becomes a fault posted to the emulator's
 * `/__emulator/faults` (local/common/faults.ts) that matches the next append to the topic.
 */
import type { AppendFault, LogSubject } from "./contract";

/** The emulator's fault for each of the contract's (see `LogSubject.failNextAppend`). */
function emulatorFault(fault: AppendFault): Record<string, unknown> {
  if (fault === "refuse") return { kind: "fail", status: 400 };
  if (fault === "timeout") return { kind: "timeout", ms: 3000 };
  if (fault === "drop") return { kind: "timeout", ms: 50 };
  if ("refusedWith" in fault) return { kind: "fail", status: fault.refusedWith };
  return { kind: "fail-after", status: fault.storedThen };
}

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
        body: JSON.stringify({ ...emulatorFault(fault), ...appendsTo(topic) }),
      });
      if (!res.ok) throw new Error(`fault injection answered ${res.status}: ${await res.text()}`);
    },
    async clearFaults() {
      await fetch(faults, { method: "DELETE" });
    },
  };
}
