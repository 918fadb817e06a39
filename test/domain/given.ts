import { expect } from "vitest";
import type { DomainErrorCode, TaskCommand, TaskEvent, TaskState } from "../../shared/domain";
import { applyEvent, DomainError, decide, initialState, makeEnvelopes, versionOf } from "../../shared/domain";
import { envelope, uuid } from "./fixtures";

/** The whole of an expected refusal. */
export interface ExpectedError {
  code: DomainErrorCode;
  field?: string;
  message: string;
}

/** The state of `taskId` after `history`, each event numbered in turn; a history that does not apply is a broken test. */
export function stateAfter(taskId: string, history: readonly TaskEvent[]): TaskState {
  let state = initialState();
  history.forEach((event, index) => {
    const result = applyEvent(state, envelope(event, { taskId, version: index + 1 }));
    if (!result.applied)
      throw new Error(`given: history event ${index + 1} does not apply: ${result.reason}`);
    state = result.state;
  });
  return state;
}

/**
 * Given/when/then for the decider: `given(...history).when(command).then(events | error)`.
 * The history is that of the command's task. Accepted events must also apply, in turn, on top of the
 * history: the decider never emits what the fold would skip.
 */
export function given(...history: TaskEvent[]) {
  return {
    when(command: TaskCommand) {
      const state = stateAfter(command.data.taskId, history);
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then is the spec idiom; this object is never awaited.
        then(expected: readonly TaskEvent[] | ExpectedError): void {
          const result = decide(command, state);
          const actual = result.ok
            ? { events: result.events }
            : { code: result.error.code, field: result.error.field, message: result.error.message };
          expect(actual).toEqual(Array.isArray(expected) ? { events: expected } : expected);
          if (!result.ok) {
            expect(result.error).toBeInstanceOf(DomainError);
            return;
          }
          const eventIds = result.events.map((_, index) => uuid(9000 + index));
          let next = state;
          for (const event of makeEnvelopes(command, result.events, {
            eventIds,
            baseVersion: versionOf(state),
          })) {
            const applied = applyEvent(next, event);
            expect(applied).toMatchObject({ applied: true });
            next = applied.state;
          }
        },
      };
    },
  };
}
