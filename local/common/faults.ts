/**
 * Fault injection shared by the emulators. A fault applies to the next `count` requests that match it
 * (`path` is an exact raw path; `bodyIncludes` a case-insensitive substring of the raw body):
 * - `fail`: answer `status` (default 503) with a JSON `{error}` and do nothing else;
 * - `delay`: wait `ms`, then handle the request normally (the work still happens, late);
 * - `timeout`: hold the request unanswered for `ms` (default 30 s), or until `POST held/release`, then drop the
 *   connection; nothing is done;
 * - `fail-after`: handle the request (the work is done), then answer `status` with a JSON `{error}` instead of the
 *   result: a proxy's 502 after the upstream committed, or a 2xx whose body is unusable (`status` from 200);
 * - `drop-after`: handle the request, then drop the connection without answering: an answer lost on the way back;
 * - `hold`: keep the request unhandled until the admin route `POST held/release` releases it (or `ms`, default 60 s,
 *   passes), then handle it normally: a test decides when the work happens, by a condition rather than a time.
 */
import { isRecord } from "./json";
export type FaultKind = "fail" | "delay" | "timeout" | "fail-after" | "drop-after" | "hold";

export interface Fault {
  kind: FaultKind;
  count: number;
  status: number;
  ms: number;
  path?: string;
  bodyIncludes?: string;
}

interface Matchable {
  rawPath: string;
  body: Buffer;
}

const KINDS: readonly FaultKind[] = ["fail", "delay", "timeout", "fail-after", "drop-after", "hold"];

/** The integer field `name` of an admin body, from `min` to `max`; `fallback` when absent. */
export function intField(
  o: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  }
  return v;
}

/** Validates an admin request body into a fault; throws with a readable message. */
export function parseFault(input: unknown): Fault {
  if (!isRecord(input)) throw new Error("body must be a JSON object");
  const kind = input.kind;
  if (typeof kind !== "string" || !KINDS.includes(kind as FaultKind)) {
    throw new Error(`kind must be one of ${KINDS.join(", ")}`);
  }
  const fault: Fault = {
    kind: kind as FaultKind,
    count: intField(input, "count", 1, 1, 1_000_000),
    status: intField(input, "status", 503, kind === "fail-after" ? 200 : 400, 599),
    ms: intField(input, "ms", kind === "timeout" ? 30_000 : kind === "hold" ? 60_000 : 0, 0, 3_600_000),
  };
  for (const key of ["path", "bodyIncludes"] as const) {
    const v = input[key];
    if (v === undefined) continue;
    if (typeof v !== "string" || v.length === 0) throw new Error(`${key} must be a non-empty string`);
    fault[key] = v;
  }
  return fault;
}

/**
 * Pending faults in the order they were added, each for its next `count` uses; `take` consumes one use of the
 * first fault that `matches` the subject. Entries go out as copies, so a caller cannot change a pending fault.
 */
export class FaultQueue<F extends { count: number }, S> {
  private pending: Array<F & { id: number }> = [];
  private nextId = 1;

  constructor(private readonly matches: (fault: F, subject: S) => boolean) {}

  add(fault: F): F & { id: number } {
    const entry = { ...fault, id: this.nextId++ };
    this.pending.push(entry);
    return { ...entry };
  }

  list(): Array<F & { id: number }> {
    return this.pending.map((f) => ({ ...f }));
  }

  clear(): void {
    this.pending = [];
  }

  take(subject: S): (F & { id: number }) | undefined {
    const index = this.pending.findIndex((f) => this.matches(f, subject));
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.pending.splice(index, 1);
    return { ...fault };
  }
}

/** The request faults of every emulator's shell, matched by raw path and body. */
export const requestFaults = (): FaultQueue<Fault, Matchable> => new FaultQueue(matches);

function matches(f: Fault, req: Matchable): boolean {
  if (f.path !== undefined && f.path !== req.rawPath) return false;
  if (f.bodyIncludes !== undefined) {
    return req.body.toString("utf8").toLowerCase().includes(f.bodyIncludes.toLowerCase());
  }
  return true;
}
