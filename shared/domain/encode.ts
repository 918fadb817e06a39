import type { EventEnvelope } from "./envelope";
import { parseSealed } from "./sealed";

/**
 * The Kafka record value for an envelope: JSON with the fields in a fixed order, so equal envelopes
 * encode to equal strings. `decodeEvent(encodeEvent(e))` gives `e` back. A sealed text (see sealed.ts) is written
 * as `data.sealed`, its ciphertext alone: the event id it is bound to is the envelope's own.
 */
export function encodeEvent(envelope: EventEnvelope): string {
  const { eventId, type, schemaVersion, taskId, version, occurredAt, metadata } = envelope;
  const data =
    envelope.type === "TaskCreated" || envelope.type === "TaskRenamed"
      ? sealData(envelope.data)
      : envelope.data;
  return JSON.stringify({ eventId, type, schemaVersion, taskId, version, occurredAt, data, metadata });
}

/** `{ text, ...rest }` with a sealed text as `{ sealed, ...rest }`, in the same field position. */
function sealData<D extends { text: string }>(data: D): D | (Omit<D, "text"> & { sealed: string }) {
  const sealed = parseSealed(data.text);
  if (!sealed) return data;
  const { text: _, ...rest } = data;
  return { sealed: sealed.payload, ...rest };
}
