import type { TaskCommand } from "./commands";
import type { EventEnvelope, EventMetadata } from "./envelope";
import { CURRENT_SCHEMA_VERSION } from "./envelope";
import type { TaskEvent } from "./events";
import { isUuid } from "./ids";
import { isIsoTimestamp } from "./timestamps";

/** What the shell supplies to turn decided events into envelopes. */
export interface EnvelopeContext {
  /** One fresh lowercase UUID per event, in order; extra ids are ignored. */
  readonly eventIds: readonly string[];
  /** The version of the state the command was decided against (`versionOf(state)`). */
  readonly baseVersion: number;
}

function metadataOf(command: TaskCommand): EventMetadata {
  const { requestId, correlationId, idempotencyKey } = command.metadata;
  const metadata: { requestId?: string; correlationId?: string; idempotencyKey?: string } = {};
  if (requestId !== undefined) metadata.requestId = requestId;
  if (correlationId !== undefined) metadata.correlationId = correlationId;
  if (idempotencyKey !== undefined) metadata.idempotencyKey = idempotencyKey;
  return metadata;
}

/**
 * Wraps the events `decide` returned for `command` into envelopes ready to append, numbered
 * `baseVersion + 1, + 2, ...` and stamped with the command's time and tracing metadata. Pure.
 * Throws a TypeError on a programming error in the shell (too few or malformed event ids, a bad
 * `metadata.now` or `baseVersion`) rather than letting an undecodable event reach the log.
 */
export function makeEnvelopes(
  command: TaskCommand,
  events: readonly TaskEvent[],
  { eventIds, baseVersion }: EnvelopeContext,
): EventEnvelope[] {
  const occurredAt = command.metadata.now;
  if (!isIsoTimestamp(occurredAt)) {
    throw new TypeError(
      `makeEnvelopes: metadata.now must be an ISO timestamp, got ${JSON.stringify(occurredAt)}`,
    );
  }
  if (!Number.isSafeInteger(baseVersion) || baseVersion < 0) {
    throw new TypeError(`makeEnvelopes: baseVersion must be a non-negative integer, got ${baseVersion}`);
  }
  if (eventIds.length < events.length) {
    throw new TypeError(
      `makeEnvelopes: ${events.length} events need as many event ids, got ${eventIds.length}`,
    );
  }
  const metadata = metadataOf(command);
  return events.map((event, index) => {
    const eventId = eventIds[index];
    if (!isUuid(eventId)) {
      throw new TypeError(`makeEnvelopes: event id ${JSON.stringify(eventId)} is not a lowercase UUID`);
    }
    return {
      ...event,
      eventId,
      schemaVersion: CURRENT_SCHEMA_VERSION,
      taskId: command.data.taskId,
      version: baseVersion + index + 1,
      occurredAt,
      metadata,
    };
  });
}
