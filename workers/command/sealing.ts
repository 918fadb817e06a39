/**
 * Where the command worker seals and opens a named list's words (see shared/lists/cipher.ts): events are sealed
 * after `decide` and before the append, so the log, the projection, the committed write and the remembered
 * idempotency result hold only sealed references; states and histories are opened on the way out to whoever holds
 * one of the list's capabilities. The default list, and a list minted before lists had keys, have no cipher: their
 * words stay as written.
 */
import type { Task, TaskEvent, TaskState } from "../../shared/domain";
import { type ListCipher, listCipher } from "../../shared/lists/cipher";
import type { Scope } from "./access";

const ciphers = new WeakMap<object, ListCipher>();

/** The cipher of the list a scope opened, or undefined when its words are in the clear. */
export function cipherOf(scope: Scope): ListCipher | undefined {
  if (scope.kind !== "list" || !scope.record?.key) return undefined;
  const { record } = scope;
  const key = record.key;
  if (!key) return undefined;
  let cipher = ciphers.get(record);
  if (!cipher) {
    cipher = listCipher(key);
    ciphers.set(record, cipher);
  }
  return cipher;
}

/** A task with its text opened. */
export async function openTask<T extends Task | null>(cipher: ListCipher | undefined, task: T): Promise<T> {
  if (!cipher || task === null) return task;
  return { ...task, text: await cipher.open(task.text) };
}

/** A state with its text opened (only an active task has one). */
export async function openState(cipher: ListCipher | undefined, state: TaskState): Promise<TaskState> {
  if (!cipher || state.status !== "active") return state;
  return { status: "active", task: await openTask(cipher, state.task) };
}

/** Decided events with their texts sealed, each bound to the id of the event that will carry it. */
export async function sealEvents(
  cipher: ListCipher | undefined,
  events: readonly TaskEvent[],
  eventIds: readonly string[],
): Promise<readonly TaskEvent[]> {
  if (!cipher) return events;
  return Promise.all(
    events.map(async (event, i): Promise<TaskEvent> => {
      const eventId = eventIds[i];
      if (eventId === undefined) throw new Error("sealEvents: an event has no id");
      switch (event.type) {
        case "TaskCreated":
          return { ...event, data: { ...event.data, text: await cipher.seal(eventId, event.data.text) } };
        case "TaskRenamed":
          return { ...event, data: { text: await cipher.seal(eventId, event.data.text) } };
        default:
          return event;
      }
    }),
  );
}

/** What an idempotency fingerprint holds for words: a keyed digest on a sealed list, the words elsewhere. */
export async function fingerprintText(cipher: ListCipher | undefined, text: string): Promise<string> {
  return cipher ? `hmac:${await cipher.fingerprint(text)}` : text;
}
