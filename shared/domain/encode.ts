import type { EventEnvelope } from "./envelope";

/**
 * The Kafka record value for an envelope: JSON with the fields in a fixed order, so equal envelopes
 * encode to equal strings. `decodeEvent(encodeEvent(e))` gives `e` back.
 */
export function encodeEvent(envelope: EventEnvelope): string {
  const { eventId, type, schemaVersion, taskId, version, occurredAt, data, metadata } = envelope;
  return JSON.stringify({ eventId, type, schemaVersion, taskId, version, occurredAt, data, metadata });
}
