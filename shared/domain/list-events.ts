/**
 * The list aggregate's events. A list is minted by the server (its id is its edit capability, and `viewId` a
 * second, read-only one); its facts go to the log like a task's, keyed by the list's id, in an envelope of their
 * own: `listId` where a task's envelope has `taskId`.
 */
import type { CURRENT_SCHEMA_VERSION, EventMetadata } from "./envelope";
import { parseSealed } from "./sealed";

/**
 * A list was minted: its title (null when none was given; a sealed reference, see sealed.ts, for a list with a
 * data key, stored as `data.sealed`) and its read-only capability.
 */
export interface ListCreated {
  readonly type: "ListCreated";
  readonly data: { readonly title: string | null; readonly viewId: string };
}

/**
 * A list was purged: its data key was destroyed before this was appended, and the fold removes its tasks, their
 * states and histories from the projection.
 */
export interface ListPurged {
  readonly type: "ListPurged";
  readonly data: Record<string, never>;
}

export type ListEvent = ListCreated | ListPurged;

export type ListEventType = ListEvent["type"];

export const LIST_EVENT_TYPES: readonly ListEventType[] = ["ListCreated", "ListPurged"];

export function isListEventType(value: unknown): value is ListEventType {
  return typeof value === "string" && (LIST_EVENT_TYPES as readonly string[]).includes(value);
}

/** A list event as stored in the log (the record key is `listId`). */
export type ListEnvelope = ListEvent & {
  readonly eventId: string;
  readonly schemaVersion: typeof CURRENT_SCHEMA_VERSION;
  readonly listId: string;
  /** The list's version after this event: 1 for its ListCreated. */
  readonly version: number;
  readonly occurredAt: string;
  readonly metadata: EventMetadata;
};

/** The record value of a list event: JSON with its fields in a fixed order, as `encodeEvent` writes a task's. */
export function encodeListEvent(envelope: ListEnvelope): string {
  const { eventId, type, schemaVersion, listId, version, occurredAt, metadata } = envelope;
  const sealed = envelope.type === "ListCreated" ? parseSealed(envelope.data.title ?? "") : undefined;
  const data = sealed ? { sealed: sealed.payload, viewId: envelope.data.viewId } : envelope.data;
  return JSON.stringify({ eventId, type, schemaVersion, listId, version, occurredAt, data, metadata });
}
