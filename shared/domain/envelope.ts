import type { TaskEvent } from "./events";

/**
 * The schema version every envelope is written in. Older versions are upcast on read (see upcasters.ts);
 * a newer one is refused. Bump it, and add an upcaster from the previous version, whenever the envelope
 * or any event's data changes shape, additive changes included: decoding is strict. The one exception is
 * TaskCreated's optional `listId`: an event without it is byte for byte what version 1 always wrote, so old
 * records and old readers of default-list events are untouched; a projector from before lists dead-letters an
 * event that has one, which is why projectors are deployed before the command worker (docs/deploy.md#deploy-the-projector-first).
 * Sealed words (`data.sealed` in place of `data.text` or `data.title`, see sealed.ts) and the ListPurged event are
 * the same kind of exception: only named lists' events carry them, the default list's stay byte for byte what
 * version 1 wrote, no record older than them needs upcasting, and bumping the version would rewrite every
 * default-list record for nothing. A projector from before them dead-letters a sealed event and stops at a
 * ListPurged (an unknown type), so the same deploy order applies.
 */
export const CURRENT_SCHEMA_VERSION = 1;

/** Tracing data carried from the command to its events. Absent keys are omitted, never null. */
export interface EventMetadata {
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly idempotencyKey?: string;
}

interface EnvelopeFields {
  /** Unique per event (lowercase UUID), from the shell. */
  readonly eventId: string;
  /** Always CURRENT_SCHEMA_VERSION once decoded: older records are upcast on the way in. */
  readonly schemaVersion: typeof CURRENT_SCHEMA_VERSION;
  /** The task the event belongs to (lowercase UUID); also the Kafka record key. */
  readonly taskId: string;
  /**
   * The task's version after this event: 1 for its TaskCreated, then one more per event. The fold
   * applies an event only if it directly follows the task's version, so a duplicated append or an event
   * decided against a stale state is skipped instead of applied twice or out of turn.
   */
  readonly version: number;
  /** When the command was received (ISO, `toISOString()` form). */
  readonly occurredAt: string;
  readonly metadata: EventMetadata;
}

/**
 * An event as stored in the log (the Kafka record value is `encodeEvent(envelope)`). A union over the
 * event types, so `switch (envelope.type)` narrows `envelope.data`.
 */
export type EventEnvelope<E extends TaskEvent = TaskEvent> = E & EnvelopeFields;
