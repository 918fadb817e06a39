/**
 * What the shell hands in with every command. Time is given, never read: the decider and the envelope
 * builder are pure. Event ids are not here because their number is only known after `decide`; the shell
 * passes them to `makeEnvelopes` (one per decided event).
 */
export interface CommandMetadata {
  /** When the command was received, as an ISO timestamp (`Date.prototype.toISOString()` form). */
  readonly now: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly idempotencyKey?: string;
}

/** Create a task under an id the shell generated (a lowercase UUID), on a named list or (no `listId`) the default one. */
export interface CreateTask {
  readonly type: "CreateTask";
  readonly data: { readonly taskId: string; readonly text: string; readonly listId?: string | null };
  readonly metadata: CommandMetadata;
}

/**
 * Set a task's text and done flag. `expectedVersion` (null or undefined: no check) makes the update
 * conditional on the task's current version.
 */
export interface UpdateTask {
  readonly type: "UpdateTask";
  readonly data: {
    readonly taskId: string;
    readonly text: string;
    readonly done: boolean;
    readonly expectedVersion?: number | null;
  };
  readonly metadata: CommandMetadata;
}

/** Delete a task, optionally only if it is still at `expectedVersion`. */
export interface DeleteTask {
  readonly type: "DeleteTask";
  readonly data: { readonly taskId: string; readonly expectedVersion?: number | null };
  readonly metadata: CommandMetadata;
}

/**
 * Intents: each says what the user did to one field of a task and leaves the other alone, so intents on different
 * fields decided on the same version both apply (an UpdateTask carries both fields and undoes a change it did not
 * see). `expectedVersion` (null or undefined: no check) makes one conditional, as for UpdateTask.
 */
export interface RenameTask {
  readonly type: "RenameTask";
  readonly data: { readonly taskId: string; readonly text: string; readonly expectedVersion?: number | null };
  readonly metadata: CommandMetadata;
}

/** Mark a task done; see RenameTask. */
export interface CompleteTask {
  readonly type: "CompleteTask";
  readonly data: { readonly taskId: string; readonly expectedVersion?: number | null };
  readonly metadata: CommandMetadata;
}

/** Mark a task not done; see RenameTask. */
export interface ReopenTask {
  readonly type: "ReopenTask";
  readonly data: { readonly taskId: string; readonly expectedVersion?: number | null };
  readonly metadata: CommandMetadata;
}

export type TaskCommand = CreateTask | UpdateTask | RenameTask | CompleteTask | ReopenTask | DeleteTask;
