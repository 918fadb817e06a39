/**
 * Every Redis key of the projection lives under one namespace prefix (`PROJECTION_PREFIX`, e.g. `todo:v1`),
 * so a projection can be rebuilt under a new prefix beside the live one and switched by changing the binding.
 */
export interface ProjectionKeys {
  /** hash: task id → JSON TaskState (active or deleted) */
  state: string;
  /** sorted set: ids of active tasks, scored by creation order */
  order: string;
  /** hash: partition → next offset to fold (the checkpoint) */
  checkpoint: string;
  /** hash: applied / rejected / dead counters */
  counters: string;
  /** list: JSON dead letters (undecodable events) with position and reason */
  dead: string;
  /** list: JSON events that decoded but no longer applied (racing writes), with position and reason */
  rejected: string;
  /** string: the identity of the event log this projection is folded from (see shared/event-log/identity.ts) */
  logIdentity: string;
  /** list: one task's applied events, its audit trail */
  history(taskId: string): string;
  /** string: a client idempotency key's claim or remembered result (expires) */
  idempotency(key: string): string;
  /** string: the highest version a writer has reserved for a task (expires) */
  reservation(taskId: string): string;
  /**
   * string: the version last reserved for a task, kept after the reservation expires: while it is neither held
   * nor projected, an append that got no answer may still have committed it
   */
  lastReserved(taskId: string): string;
}

export function projectionKeys(prefix: string): ProjectionKeys {
  return {
    state: `${prefix}:state`,
    order: `${prefix}:order`,
    checkpoint: `${prefix}:checkpoint`,
    counters: `${prefix}:counters`,
    dead: `${prefix}:dead`,
    rejected: `${prefix}:rejected`,
    logIdentity: `${prefix}:log-identity`,
    history: (taskId) => `${prefix}:history:${taskId}`,
    reservation: (taskId) => `${prefix}:reservation:${taskId}`,
    idempotency: (key) => `${prefix}:idempotency:${key}`,
    lastReserved: (taskId) => `${prefix}:last-reserved:${taskId}`,
  };
}
