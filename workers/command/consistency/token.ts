/**
 * Read-your-writes. A mutation answers the position of its last event as a consistency token
 * (`partition:offset`, also in the `x-consistency-token` header); a query given it back waits, bounded,
 * until the projection's checkpoint has passed it.
 */
import type { Position } from "../../../shared/event-log/port";
import { InvalidArgumentError } from "../service-errors";

export function formatToken(p: Position): string {
  return `${p.partition}:${p.offset}`;
}

export function parseToken(token: string, partitions: number): Position {
  const m = /^(\d{1,4}):(\d{1,15})$/.exec(token);
  const partition = Number(m?.[1]);
  const offset = Number(m?.[2]);
  if (!m || partition >= partitions) {
    throw new InvalidArgumentError(
      `after must be a consistency token "partition:offset" from a mutation, got "${token.slice(0, 40)}"`,
    );
  }
  return { partition, offset };
}

/** True once the checkpoint (next offset to fold) has passed the position. */
export function reached(checkpoints: Map<number, number>, p: Position): boolean {
  return (checkpoints.get(p.partition) ?? 0) > p.offset;
}
