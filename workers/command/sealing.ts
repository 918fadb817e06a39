/**
 * Where the command worker seals and opens a named list's words (see shared/lists/cipher.ts): events are sealed
 * after `decide` and before the append, so the log, the projection, the committed write and the remembered
 * idempotency result hold only sealed references; states and histories are opened on the way out to whoever holds
 * one of the list's capabilities. The default list, and a list minted before lists had keys, have no cipher: their
 * words stay as written.
 */
import type { Task, TaskEvent, TaskState } from "../../shared/domain";
import type { Position } from "../../shared/event-log/port";
import { type ListCipher, listCipher } from "../../shared/lists/cipher";
import type { Scope } from "./access";
import { reached } from "./consistency/token";

/**
 * The isolate keeps the ciphers of the lists it served lately (their keys imported once) and the words it opened
 * lately, each with the key it opened them with, so that a page read again costs no decryption: in memory only,
 * never stored, bounded, and reachable only through the key (which a purge destroys).
 */
const CIPHERS_KEPT = 64;
const OPENED_KEPT = 5000;
const ciphers = new Map<string, OpeningCipher>();

/** A list's cipher whose opens go through the isolate's words (see `openTasks`). */
export interface OpeningCipher extends ListCipher {
  /** The words of a sealed reference this isolate opened lately with the same key, or undefined (then `open` it). */
  known(text: string): string | undefined;
}

/**
 * The words opened lately, by sealed reference, each with the data key that opened it: a hit needs that key too, so a
 * read of another list (or the same ciphertext put under another list) never finds them. Two generations bound it:
 * the current one takes new words and those found in the previous one; when it is full it becomes the previous one
 * and the oldest are dropped. A hit costs one lookup, rather than an LRU's delete and insert per word of a page.
 */
class OpenedWords {
  #current = new Map<string, { key: string; words: string }>();
  #previous = new Map<string, { key: string; words: string }>();

  get(key: string, text: string): string | undefined {
    let found = this.#current.get(text);
    if (found === undefined) {
      found = this.#previous.get(text);
      if (found === undefined) return undefined;
      this.#add(text, found);
    }
    return found.key === key ? found.words : undefined;
  }

  set(key: string, text: string, words: string): void {
    this.#add(text, { key, words });
  }

  #add(text: string, entry: { key: string; words: string }): void {
    if (this.#current.size >= OPENED_KEPT / 2) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
    this.#current.set(text, entry);
  }
}

const opened = new OpenedWords();

/** `map.get(key)`, marking it the most recently used. */
function touch<V>(map: Map<string, V>, key: string): V | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}

/** `map.set(key, value)`, dropping the least recently used beyond `kept`. */
function keep<V>(map: Map<string, V>, key: string, value: V, kept: number): void {
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= kept) break;
    map.delete(oldest);
  }
}

/** The cipher of a data key, opening through the isolate's words. */
function cached(raw: string): OpeningCipher {
  const known = touch(ciphers, raw);
  if (known) return known;
  const cipher = listCipher(raw);
  const wrapped: OpeningCipher = {
    // The words of a reference it sealed are known at once: a write answers them without decrypting its own seal.
    async seal(eventId, text) {
      const sealed = await cipher.seal(eventId, text);
      opened.set(raw, sealed, text);
      return sealed;
    },
    fingerprint: cipher.fingerprint,
    known: (text) => opened.get(raw, text),
    async open(text) {
      const hit = opened.get(raw, text);
      if (hit !== undefined) return hit;
      const words = await cipher.open(text);
      opened.set(raw, text, words);
      return words;
    },
  };
  keep(ciphers, raw, wrapped, CIPHERS_KEPT);
  return wrapped;
}

/** The cipher of the list a scope opened, or undefined when its words are in the clear. */
export function cipherOf(scope: Scope): OpeningCipher | undefined {
  if (scope.kind !== "list" || !scope.record?.key) return undefined;
  return cached(scope.record.key);
}

/**
 * What the isolate last saw of each list it opened lately, by the list's id: its data key (null: its words are
 * clear), so that a create can seal or fingerprint its text before its look answers (see create-mutation.ts); and
 * what it knows of the list's size: the size a create's look last read, and the creates this isolate appended to
 * the list that the size did not count (those the projection had not folded when it was read, and those since). In
 * memory only, bounded, and only a hint: a request that uses it is held to what its own look then reads, and a purged
 * list's look refuses the request, whatever the isolate still remembers.
 */
interface KnownList {
  key: string | null;
  /** The size a create's look read last; absent when no create of this isolate read it. */
  size?: number;
  /** Positions of this isolate's creates on the list that `size` does not count (at most OWN_KEPT). */
  own: Position[];
}
const LISTS_KEPT = 1000;
const OWN_KEPT = 64;
const listKeys = new Map<string, KnownList>();

/**
 * Remembers the data key of the list a look opened, and, when the look read the list's size, that size, keeping
 * only the creates it did not count: those the checkpoints read with it do not show folded.
 */
export function noteList(scope: Scope): void {
  if (scope.kind !== "list") return;
  const key = scope.record?.key ?? null;
  const before = listKeys.get(scope.listId);
  const known: KnownList =
    before?.key !== key
      ? { key, own: [] }
      : { key, own: before.own, ...(before.size !== undefined && { size: before.size }) };
  // Only a minted list's size: a list known by its tasks only exists while it holds some, which only its look knows.
  if (scope.size !== undefined && scope.sizedAt && scope.record) {
    const at = scope.sizedAt;
    known.size = scope.size;
    known.own = known.own.filter((p) => !reached(at, p));
  }
  keep(listKeys, scope.listId, known, LISTS_KEPT);
}

/**
 * Remembers a create this isolate appended to the list `listId` at `position`, which a size read before it was
 * folded does not count. Past OWN_KEPT of them the size is forgotten: the next create reads it before appending.
 */
export function noteCreated(listId: string, position: Position): void {
  const known = listKeys.get(listId);
  if (!known) return;
  known.own.push(position);
  if (known.own.length > OWN_KEPT) listKeys.set(listId, { key: known.key, own: [] });
}

/** Forgets a list (its look refused a request, or it was purged). */
export function forgetList(listId: string): void {
  listKeys.delete(listId);
}

/**
 * The data key the list `listId` had when the isolate last opened it (null: none), and, when a create's look read
 * its size, how many tasks it holds at least as far as this isolate knows: that size, and this isolate's creates it
 * did not count. Undefined when the list is not known.
 */
export function knownList(listId: string): { key: string | null; size?: number } | undefined {
  const known = touch(listKeys, listId);
  if (!known) return undefined;
  return known.size === undefined
    ? { key: known.key }
    : { key: known.key, size: known.size + known.own.length };
}

/** The data key the list `listId` had when the isolate last opened it (null: none); undefined when not known. */
export function expectedKey(listId: string): string | null | undefined {
  return knownList(listId)?.key;
}

/** The key a scope's words are sealed under (null: none). */
export function keyOf(scope: Scope): string | null {
  return scope.kind === "list" ? (scope.record?.key ?? null) : null;
}

/** The cipher of a data key (undefined for none). */
export function cipherOfKey(key: string | null): OpeningCipher | undefined {
  return key === null ? undefined : cached(key);
}

/** A task with its text opened. */
export async function openTask<T extends Task | null>(cipher: ListCipher | undefined, task: T): Promise<T> {
  if (!cipher || task === null) return task;
  return { ...task, text: await cipher.open(task.text) };
}

/**
 * Tasks with their texts opened, in order: the words the isolate opened lately at once, the rest decrypted together.
 * Without a cipher (words in the clear) the tasks themselves.
 */
export async function openTasks<T extends Task>(cipher: OpeningCipher | undefined, tasks: T[]): Promise<T[]> {
  if (!cipher) return tasks;
  const out: T[] = new Array(tasks.length);
  const unknown: Promise<void>[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i] as T;
    const words = cipher.known(task.text);
    if (words !== undefined) out[i] = { ...task, text: words };
    else
      unknown.push(
        cipher.open(task.text).then((text) => {
          out[i] = { ...task, text };
        }),
      );
  }
  if (unknown.length > 0) await Promise.all(unknown);
  return out;
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
