/**
 * The write guard: how the command side decides racing writes of one task before appending them. A writer reads
 * the task as projected with what other writers hold (readForWrite), reserves the versions it will append
 * (reserve), and once the log acknowledged them records the state it decided (commit), so the next writer decides
 * on it without waiting for the fold; an append that certainly stored nothing gives its reservation back
 * (release). The guards live under the base prefix whichever namespace is live (see keys.ts).
 */
import type { TaskState } from "../domain";
import type { AppendStep } from "../event-log/port";
import type { CommittedWrite } from "./codec";

export { reservationToken } from "./codec";

/** How long the last reserved version is remembered after its reservation expires. */
export const LAST_RESERVED_KEEP_MS = 10 * 60_000;

/**
 * How long a committed write's state is kept for the next writer: past it, a writer that finds the projection
 * still behind waits for it, as it would without.
 */
export const COMMITTED_KEEP_MS = LAST_RESERVED_KEEP_MS;

export interface WriteView {
  state: TaskState;
  /** Highest version a writer has reserved and may not be projected yet (0 when none). */
  reserved: number;
  /** The version last reserved, held or not (0 when none is remembered). */
  lastReserved: number;
  /** The task's last write the log acknowledged, as its writer decided it (it may be projected already). */
  committed?: CommittedWrite;
  checkpoint: number;
}

export interface Reservation {
  ok: boolean;
  /** The task's current version: the projected one, or the committed one when that is higher. */
  projected: number;
  /** The version another writer holds (0 when none). */
  reserved: number;
  /** What the reservation is held under (`reservationToken(newVersion, nonce)`). */
  token: string;
}

export interface WriteGuard {
  /**
   * One task's projected state, a pending reservation, the last reserved version, the last committed write and
   * the checkpoint of `partition`.
   */
  readForWrite(taskId: string, partition: number): Promise<WriteView>;
  /**
   * Reserves `newVersion` for a task if its current version is still `baseVersion` and nobody reserved beyond
   * it. `nonce` is the writer's own (one per attempt): the reservation is held under the token it answers, and a
   * call retried after its answer was lost finds that token and succeeds rather than refuse its own writer.
   */
  reserve(
    taskId: string,
    baseVersion: number,
    newVersion: number,
    ttlMs: number,
    nonce: string,
  ): Promise<Reservation>;
  /**
   * Records that the log acknowledged the write reserved under `token` (an update's or delete's), or a create's
   * (`create`: no reservation, recorded only if nothing is committed for the task yet), with the state it
   * decided; answers whether it was recorded. Kept COMMITTED_KEEP_MS.
   */
  commit(taskId: string, token: string, state: TaskState, create?: boolean): Promise<boolean>;
  /**
   * The same commit as `commit` records, as a step for an append to the log to run in its own call, where the log
   * is kept in the guard's database (`EventLog.appendWith`; present on the Redis guard). The step answers 1 when
   * it recorded the commit.
   */
  commitStep?(taskId: string, token: string, state: TaskState, create?: boolean): AppendStep;
  /**
   * In place of `reserve` and `commit`, where the log is kept in the guard's database: a step for the append of an
   * update or delete decided on `baseVersion`, which refuses the append (as `reserve` would refuse the
   * reservation) unless the task is still at that version with no reservation beyond it, and records the commit
   * under `token` (`reservationToken(newVersion, nonce)`) with the records. No reservation is held meanwhile: the
   * check and the append are one atomic call.
   */
  conditionalStep?(taskId: string, baseVersion: number, token: string, state: TaskState): AppendStep;
  /** Drops a reservation (and its memory) held under `token`, after the append certainly stored nothing. */
  release(taskId: string, token: string): Promise<void>;
}
