/**
 * Delivery fault injection (admin route `/__emulator/delivery-faults`): a fault applies to the next
 * `count` delivery attempts (optionally only those whose URL starts with `urlPrefix`):
 * - `drop`: the attempt is never made, as if lost on the wire; no retry, recorded as DROPPED;
 * - `duplicate`: the attempt is made twice at once, each request signed on its own;
 * - `delay`: the attempt is held `ms` (real time, not scaled) before it is made.
 */

export type DeliveryFaultKind = "drop" | "duplicate" | "delay";

export interface DeliveryFault {
  kind: DeliveryFaultKind;
  count: number;
  ms: number;
  urlPrefix?: string;
}

export interface PendingDeliveryFault extends DeliveryFault {
  id: number;
}

const KINDS: readonly DeliveryFaultKind[] = ["drop", "duplicate", "delay"];
const DEFAULT_DELAY_MS = 1000;

function intField(o: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < (name === "count" ? 1 : 0) || v > max) {
    throw new Error(`${name} must be an integer from ${name === "count" ? 1 : 0} to ${max}`);
  }
  return v;
}

/** Validates an admin request body; throws with a readable message. */
export function parseDeliveryFault(input: unknown): DeliveryFault {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new Error("body must be a JSON object");
  const o = input as Record<string, unknown>;
  const kind = KINDS.find((k) => k === o.kind);
  if (!kind) throw new Error(`kind must be one of ${KINDS.join(", ")}`);
  const fault: DeliveryFault = {
    kind,
    count: intField(o, "count", 1, 1_000_000),
    ms: intField(o, "ms", kind === "delay" ? DEFAULT_DELAY_MS : 0, 3_600_000),
  };
  if (o.urlPrefix !== undefined) {
    if (typeof o.urlPrefix !== "string" || o.urlPrefix === "")
      throw new Error("urlPrefix must be a non-empty string");
    fault.urlPrefix = o.urlPrefix;
  }
  return fault;
}

export class DeliveryFaultQueue {
  private pending: PendingDeliveryFault[] = [];
  private nextId = 1;

  add(fault: DeliveryFault): PendingDeliveryFault {
    const entry = { ...fault, id: this.nextId++ };
    this.pending.push(entry);
    return { ...entry };
  }

  list(): PendingDeliveryFault[] {
    return this.pending.map((f) => ({ ...f }));
  }

  clear(): void {
    this.pending = [];
  }

  /** Consumes one use of the first fault matching `url`, if any. */
  take(url: string): PendingDeliveryFault | undefined {
    const index = this.pending.findIndex((f) => f.urlPrefix === undefined || url.startsWith(f.urlPrefix));
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.pending.splice(index, 1);
    return { ...fault };
  }
}
