/**
 * Delivery fault injection (admin route `/__emulator/delivery-faults`): a fault applies to the next
 * `count` delivery attempts (optionally only those whose URL starts with `urlPrefix`):
 * - `drop`: the attempt is never made, as if lost on the wire; no retry, recorded as DROPPED;
 * - `duplicate`: the attempt is made twice at once, each request signed on its own;
 * - `delay`: the attempt is held `ms` (real time, not scaled) before it is made.
 */
import { FaultQueue, intField } from "../../common/faults";
import { isRecord } from "../../common/json";

export type DeliveryFaultKind = "drop" | "duplicate" | "delay";

export interface DeliveryFault {
  kind: DeliveryFaultKind;
  count: number;
  ms: number;
  urlPrefix?: string;
}

const KINDS: readonly DeliveryFaultKind[] = ["drop", "duplicate", "delay"];
const DEFAULT_DELAY_MS = 1000;

/** Validates an admin request body; throws with a readable message. */
export function parseDeliveryFault(input: unknown): DeliveryFault {
  if (!isRecord(input)) throw new Error("body must be a JSON object");
  const kind = KINDS.find((k) => k === input.kind);
  if (!kind) throw new Error(`kind must be one of ${KINDS.join(", ")}`);
  const fault: DeliveryFault = {
    kind,
    count: intField(input, "count", 1, 1, 1_000_000),
    ms: intField(input, "ms", kind === "delay" ? DEFAULT_DELAY_MS : 0, 0, 3_600_000),
  };
  if (input.urlPrefix !== undefined) {
    if (typeof input.urlPrefix !== "string" || input.urlPrefix === "")
      throw new Error("urlPrefix must be a non-empty string");
    fault.urlPrefix = input.urlPrefix;
  }
  return fault;
}

/** Pending delivery faults; `take(url)` consumes one use of the first whose `urlPrefix` the URL starts with. */
export type DeliveryFaultQueue = FaultQueue<DeliveryFault, string>;

export const deliveryFaults = (): DeliveryFaultQueue =>
  new FaultQueue<DeliveryFault, string>((f, url) => f.urlPrefix === undefined || url.startsWith(f.urlPrefix));
