/**
 * Read-your-writes. A mutation answers the position of its last event as a consistency token
 * (`partition:offset`, also in the `x-consistency-token` header); a query given it back waits, bounded,
 * until the projection's checkpoint has passed it.
 */
import type { Position } from "../../../shared/event-log/port";
import { InvalidArgumentError } from "../service-errors";

/** How long a query or a write waits for the projection before answering STALE / UNAVAILABLE. */
export const WAIT_LIMIT_MS = 3000;
const POLL_MS = 20;

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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or the wait limit passes; returns whether it did. */
export async function waitUntil(check: () => Promise<boolean>, limitMs = WAIT_LIMIT_MS): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}
