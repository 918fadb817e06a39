/**
 * The browser's outbox: every change not yet answered by the server, for every list this browser has used, shared by
 * all its tabs. Each change is its own localStorage entry, written when it is made and rewritten only to record the
 * server's answer (or a server id or version it learnt), so no tab ever writes a copy of the queue over another's:
 * what one tab adds, the others see at once (the `storage` event) and send if it does not. Entries are sent oldest
 * first, by one tab at a time (`withSender`, a Web Lock), each with the idempotency key it was given when it was made.
 * An answered entry stays a moment so other tabs take its answer; an answered create stays ten minutes, so a change
 * a slow tab made on its local id still finds the server's id.
 */
import { isLocalId, type Op, type TaskView } from "./model";
import type { SafeStorage } from "./storage";

const PREFIX = "todos-es-cqrs:op:";
const SENDER_LOCK = "todos-es-cqrs:sender";
const CREATE_KEPT_MS = 10 * 60_000;

/** What the server answered to a change. */
export interface Answer {
  /** The todo as the change left it (none for a delete, or a change to a todo deleted meanwhile). */
  task?: TaskView | null;
  token?: string | null;
  /** Why the server refused it, in words for the person: it is not sent again. */
  refused?: string;
  at: number;
}

export interface Entry {
  op: Op;
  /** The list (its id, the edit capability) the change goes to; null: the list this browser mints next. */
  list: string | null;
  /** When it was made: entries go out in this order, across tabs and lists. */
  at: number;
  answer?: Answer;
}

const entryKey = (key: string) => `${PREFIX}${key}`;

function parse(value: string | null): Entry | undefined {
  if (value === null) return undefined;
  try {
    const entry = JSON.parse(value) as Entry;
    return entry && typeof entry.op?.key === "string" && typeof entry.at === "number" ? entry : undefined;
  } catch {
    return undefined;
  }
}

const byAge = (a: Entry, b: Entry) => a.at - b.at || (a.op.key < b.op.key ? -1 : 1);

export class Outbox {
  /** Every entry storage (or, when it is full or blocked, this page) holds, by idempotency key. */
  private readonly entries = new Map<string, Entry>();
  private lastAt = 0;

  constructor(private readonly storage: SafeStorage) {
    this.reload();
  }

  /** Changes not answered yet, oldest first: those of `list` when given (null: for the list not minted yet). */
  pending(list?: string | null): Entry[] {
    const out: Entry[] = [];
    for (const entry of this.entries.values())
      if (!entry.answer && (list === undefined || entry.list === list)) out.push(entry);
    return out.sort(byAge);
  }

  /** Queues a change (written at once: a reload or another tab finds it). */
  add(op: Op, list: string | null): Entry {
    // After every change this page knows of (its own and other tabs'), so changes made in the same millisecond, or
    // after one another tab made with a clock a little ahead, keep the order they were made in.
    for (const known of this.entries.values()) this.lastAt = Math.max(this.lastAt, known.at);
    this.lastAt = Math.max(Date.now(), this.lastAt + 1);
    const entry: Entry = { op, list, at: this.lastAt };
    this.write(entry);
    return entry;
  }

  /**
   * The oldest change that can be sent, as storage has it now (another tab may just have answered it); none for the
   * list `hold` (one not confirmed by the server yet: its changes may have to follow a list minted in its place).
   */
  next(hold?: string | null): Entry | undefined {
    for (const entry of this.pending()) {
      if (entry.list === null || entry.list === hold) continue;
      const fresh = this.reread(entry.op.key);
      if (fresh && !fresh.answer) return fresh;
    }
    return undefined;
  }

  /**
   * Records the server's answer, for the other tabs to take. A create's answer is kept (its local id's server id);
   * any other is then removed: the other tabs have had it in the write's `storage` event.
   */
  answer(entry: Entry, answer: Answer): void {
    const answered = { ...entry, answer };
    this.write(answered);
    if (entry.op.kind !== "create" || answer.refused !== undefined) this.remove(entry.op.key);
  }

  /** Rewrites changes still waiting (a server id or a version learnt, another list to go to). */
  update(entries: Entry[]): void {
    for (const entry of entries) this.write(entry);
  }

  /** Removes every entry of `list`, answered or not (the list was deleted: this browser keeps nothing of it). */
  forget(list: string): void {
    for (const [key, entry] of this.entries) if (entry.list === list) this.remove(key);
  }

  remove(key: string): void {
    this.entries.delete(key);
    this.storage.removeItem(entryKey(key));
  }

  /** The server's id of the todo created under local id `id`, once its create was answered (here or in another tab). */
  serverId(id: string): string | undefined {
    if (!isLocalId(id)) return id;
    for (const entry of this.entries.values())
      if (entry.op.kind === "create" && entry.op.id === id && entry.answer?.task) return entry.answer.task.id;
    return undefined;
  }

  /** How many changes waiting are kept only in this page (storage full or blocked): a reload would lose them. */
  unsaved(): number {
    return this.pending().filter((entry) => this.storage.onlyInMemory(entryKey(entry.op.key))).length;
  }

  /**
   * Another tab wrote `key` (the `storage` event): the entry it added, answered or removed. Answers what the entry
   * now is (undefined once removed), or null when the key is not the outbox's.
   */
  changedElsewhere(key: string, value: string | null): Entry | undefined | null {
    if (!key.startsWith(PREFIX)) return null;
    const entry = parse(value);
    const id = key.slice(PREFIX.length);
    if (entry) this.entries.set(id, entry);
    else this.entries.delete(id);
    return entry;
  }

  /**
   * (Re)reads every entry from storage (at the start, or when another tab cleared it), dropping what cannot be read
   * and answers kept past their time.
   */
  reload(): void {
    this.entries.clear();
    const now = Date.now();
    for (const key of this.storage.keys()) {
      if (!key.startsWith(PREFIX)) continue;
      const entry = parse(this.storage.getItem(key));
      if (!entry || (entry.answer && now - entry.answer.at > CREATE_KEPT_MS)) this.storage.removeItem(key);
      else this.entries.set(entry.op.key, entry);
    }
  }

  private reread(key: string): Entry | undefined {
    const entry = parse(this.storage.getItem(entryKey(key)));
    if (entry) this.entries.set(key, entry);
    else this.entries.delete(key);
    return entry;
  }

  private write(entry: Entry): void {
    this.entries.set(entry.op.key, entry);
    this.storage.setItem(entryKey(entry.op.key), JSON.stringify(entry));
  }
}

/**
 * Runs `send` as the one tab of this browser that sends changes (the others wait their turn: a change is never sent
 * by two tabs at once). Without Web Locks (an old browser, a page not served securely) it runs at once: the
 * idempotency keys still keep a change sent twice from being done twice.
 */
export async function withSender(send: () => Promise<void>): Promise<void> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  if (!locks) return send();
  await locks.request(SENDER_LOCK, send);
}
