/**
 * How the write guards' records are stored: a reservation token (`<version>:<nonce>`) and a committed write (the
 * token, then the task state as the projection stores it, see shared/projection/codec.ts).
 */
import type { TaskState } from "../domain";
import { UpstreamError } from "../errors";
import { decodeState, encodeState, toInt } from "../projection/codec";

/** A write the log acknowledged, as its writer decided it. */
export interface CommittedWrite {
  version: number;
  state: TaskState;
}

/** What a writer's reservation holds: the version it reserved and its own nonce. */
export function reservationToken(version: number, nonce: string): string {
  return `${version}:${nonce}`;
}

/** The version in a reservation token (`<version>:<nonce>`); 0 when none is held. */
export function reservedVersion(raw: unknown): number {
  if (raw === null || raw === undefined) return 0;
  return toInt(String(raw).split(":", 1)[0]);
}

/** A committed write as stored: its reservation token, then the state's JSON. */
export function encodeCommitted(token: string, state: TaskState): string {
  return `${token}:${encodeState(state)}`;
}

/** A committed write as stored (`<version>:<nonce>:<state JSON>`); undefined when none is. */
export function decodeCommitted(raw: unknown): CommittedWrite | undefined {
  if (raw === null || raw === undefined) return undefined;
  const m = /^(\d+):[^:]*:([\s\S]*)$/.exec(String(raw));
  if (!m) throw new UpstreamError("redis", "the projection holds a malformed committed write");
  return { version: toInt(m[1]), state: decodeState(m[2]) };
}
