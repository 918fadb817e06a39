/**
 * Keeps one list in step with the server. What the person does becomes an intent (create, rename, complete, reopen,
 * delete) in the browser's outbox (outbox.ts), shared by every tab and saved before anything is sent, with the
 * idempotency key all its retries share: a retry, a reload that cut a request short or a second tab never makes a
 * change twice. Changes go out oldest first, one at a time and by one tab at a time, for every list this browser has
 * used, whichever list is open. An intent says only what the person changed, so changes to different fields from
 * two browsers both survive; a delete names the version it was made on and is refused (and said) if the todo changed
 * since. Reads pass the token of the last confirmed change as `after`; what the server answers, what other tabs
 * learn and what the live socket brings are merged by version, and the outbox is applied on top.
 */
import { ApiError, graphql } from "./api";
import { randomId } from "./ids";
import { keyOf, type ListAccess } from "./list-id";
import { type Change, isLocalId, type Op, type TaskView, type Todo, visible } from "./model";
import { type Answer, type Entry, Outbox, withSender } from "./outbox";
import { SafeStorage } from "./storage";
import { describeError, describeRefusal, toldOf } from "./words";

export type SyncStatus =
  | { state: "saved" }
  | { state: "saving"; pending: number }
  | { state: "retrying"; message: string }
  | { state: "failed"; message: string };

/** A change made elsewhere, as the live subscription brings it: tasks as they are now, and ids deleted. */
export interface RemoteChange {
  token: string;
  tasks: TaskView[];
  deleted: string[];
}

interface Cached {
  base: Todo[];
  token: string | null;
}

const TASK = "{ id text done version }";
const DOCUMENTS: Record<Op["kind"], string> = {
  create: `mutation Create($text: String!, $listId: String, $key: String) {
  createTask(text: $text, listId: $listId, idempotencyKey: $key) ${TASK}
}`,
  rename: `mutation Rename($id: String!, $text: String!, $listId: String, $key: String) {
  renameTask(id: $id, text: $text, listId: $listId, idempotencyKey: $key) ${TASK}
}`,
  complete: `mutation Complete($id: String!, $listId: String, $key: String) {
  completeTask(id: $id, listId: $listId, idempotencyKey: $key) ${TASK}
}`,
  reopen: `mutation Reopen($id: String!, $listId: String, $key: String) {
  reopenTask(id: $id, listId: $listId, idempotencyKey: $key) ${TASK}
}`,
  delete: `mutation Delete($id: String!, $version: Int, $listId: String, $key: String) {
  deleteTask(id: $id, expectedVersion: $version, listId: $listId, idempotencyKey: $key)
}`,
};
const PAGE = `query Page($listId: String, $after: String, $cursor: String) {
  tasks(listId: $listId, first: 500, cursor: $cursor, after: $after) { tasks ${TASK} nextCursor }
}`;
/** The most pages read for one list (a list holds at most 5,000 tasks: 10 pages of 500). */
const MAX_PAGES = 20;

const MAX_BACKOFF_MS = 8000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Where this browser keeps its copy of the list opened with `key` (a cache of the server's: changes are in the outbox). */
export const stateKey = (key: string) => `todos-es-cqrs:state:${key}`;

export interface SyncEvents {
  changed: () => void;
  status: (status: SyncStatus) => void;
  /** A todo got its server id: anything the view keyed by the old one follows. */
  renamed: (from: string, to: string) => void;
  /** A read answered that the list opens none any more: it was deleted (purged), perhaps in another browser. */
  gone?: () => void;
  /** Something the person did was replaced by a later change from elsewhere: said in words. */
  told?: (message: string) => void;
}

export class TodoSync {
  private base: Todo[] = [];
  private token: string | null = null;
  private running = false;
  private refreshWanted = true;
  private storageKey: string;
  private readonly storage: SafeStorage;
  private readonly outbox: Outbox;
  /** The list, once the server has said which it is; nothing is read before. */
  private list: ListAccess | undefined;
  /** The list changes made here go to: its id, or null until the server has minted it. */
  private target: string | null;
  private editable: boolean;
  /** Closed for good (the list was deleted): nothing is sent, read or written any more. */
  private closed = false;
  /** Ids deleted on the server: never shown again (a read begun before the delete may hold them). */
  private readonly deleted = new Set<string>();
  /** Changes from the server that arrived during a read: applied on top of what the read answers. */
  private arrivedDuringRead: RemoteChange[] | undefined;
  /**
   * Changes from elsewhere held while this tab sends a change: the server may tell of a todo this browser created
   * before the create's answer gives it its id, which would show it twice. Applied once the change is answered.
   */
  private held: RemoteChange[] | undefined;
  /** What this browser last set on a todo, as the server confirmed it: a later change from elsewhere that undoes it is told. */
  private readonly mine = new Map<string, { title?: string; completed?: boolean; version: number }>();

  /**
   * `local.key` names the copy kept in this browser until the server answers (the capability the list is opened
   * with, or any name for a list not minted yet); `local.canEdit` whether changes are taken meanwhile, and
   * `local.list` the list id they go to (none: the list the server mints for this browser).
   */
  constructor(
    storage: Storage,
    private readonly on: SyncEvents,
    local: { key: string; canEdit: boolean; list?: string | null },
  ) {
    this.storage = storage instanceof SafeStorage ? storage : new SafeStorage(storage);
    this.outbox = new Outbox(this.storage);
    this.storageKey = stateKey(local.key);
    this.editable = local.canEdit;
    this.target = local.list ?? null;
    this.load();
    // Changes another page of this browser left for any list go out now, before this list is even resolved.
    this.kick();
  }

  /** The server has said which list this is: changes and reads go to it from now on. */
  attach(list: ListAccess): void {
    const key = stateKey(keyOf(list));
    if (key !== this.storageKey) {
      // The copy kept under the name used until now goes, when that named no list (one minted now, or in place of
      // one the server no longer knows).
      if (list.id !== null && this.target !== list.id) this.storage.removeItem(this.storageKey);
      this.storageKey = key;
      this.base = [];
      this.token = null;
      this.load();
    }
    if (list.id !== null && this.target !== list.id) {
      // What was typed before the server minted this list goes to it; and when it was minted in place of a list the
      // server no longer knows, the todos that list never had, with their changes, follow.
      const from = this.target;
      const moving = this.outbox
        .pending(from)
        .filter((e) => from === null || isLocalId(e.op.id))
        .map((e) => ({ ...e, list: list.id }));
      this.outbox.update(moving);
      this.target = list.id;
    }
    this.list = list;
    this.editable = list.id !== null;
    this.save();
    this.on.changed();
    this.refresh();
  }

  /**
   * The list was deleted: its changes go with it (sent or not: answered ones hold its words), and nothing more is
   * sent, read or written for it.
   */
  close(): void {
    this.closed = true;
    if (this.target !== null) this.outbox.forget(this.target);
    this.list = undefined;
    this.editable = false;
    this.base = [];
    this.token = null;
    this.refreshWanted = false;
    this.on.changed();
  }

  /** Whether this browser may change the list (false with the read-only link, or until the server says). */
  canEdit(): boolean {
    return this.editable;
  }

  /** The capability reads of this list pass as `listId`; null until the server has said which list this is. */
  listKey(): string | null {
    return this.list ? keyOf(this.list) : null;
  }

  todos(): Todo[] {
    const ops = this.mineWaiting().map((e) => this.resolved(e.op));
    return visible(this.base, ops);
  }

  /** Changes waiting to go to other lists than this one (another list this browser used). */
  waitingElsewhere(): number {
    return this.outbox.pending().filter((e) => e.list !== this.target).length;
  }

  /** Changes waiting that only this page holds (storage full or blocked): a reload would lose them. */
  unsaved(): number {
    return this.outbox.unsaved();
  }

  /** Applies a change at once and queues it, with the version of the todo it was made on. */
  change(change: Change): void {
    if (!this.editable || this.closed) return;
    const version = this.base.find((t) => t.id === change.id)?.version;
    const op = {
      ...change,
      key: randomId(),
      ...(change.kind !== "create" && version !== undefined && { version }),
    };
    this.outbox.add(op as Op, this.target);
    // Said at once, not when the sending starts: a read under way would otherwise leave "saved" showing meanwhile.
    this.on.status({ state: "saving", pending: this.outbox.pending().length });
    this.on.changed();
    this.kick();
  }

  create(title: string): void {
    this.change({ kind: "create", id: `local:${randomId()}`, title });
  }

  /** The consistency token of the last change the server confirmed, for reads that must show it. */
  lastToken(): string | null {
    return this.token;
  }

  /**
   * A change made elsewhere (the live subscription): each task replaces the confirmed copy when it is newer (by
   * version) or new, each deleted id goes. The outbox stays on top, so a change from elsewhere never hides one made here.
   */
  applyRemote(change: RemoteChange): void {
    if (this.closed) return;
    for (const id of change.deleted) this.deleted.add(id);
    if (this.held) {
      this.held.push(change);
      return;
    }
    this.absorb(change);
  }

  /** Another tab wrote `key`: a change it queued (this tab may send it), or the server's answer to one. */
  storageChanged(key: string | null, value: string | null): void {
    if (this.closed) return;
    if (key === null) {
      this.outbox.reload();
      this.on.changed();
      return;
    }
    const entry = this.outbox.changedElsewhere(key, value);
    if (entry === null) return;
    if (entry?.answer && entry.list === this.target && this.target !== null) this.take(entry, entry.answer);
    this.on.changed();
    if (entry && !entry.answer) this.kick();
  }

  /** Asks for the server's list (after every queued change is sent). */
  refresh(): void {
    this.refreshWanted = true;
    this.kick();
  }

  idle(): boolean {
    return !this.running && this.sendable() === undefined;
  }

  /** The next change to send: any list's, but this one's only once the server has confirmed it. */
  private sendable(): Entry | undefined {
    return this.outbox.next(this.list ? undefined : this.target);
  }

  /** This list's changes waiting (none on a list this page may only read, whatever other tabs queued). */
  private mineWaiting(): Entry[] {
    return this.editable ? this.outbox.pending(this.target) : [];
  }

  /** `op` with its todo's server id, when another tab's create has learnt it. */
  private resolved(op: Op): Op {
    const id = this.outbox.serverId(op.id);
    return id && id !== op.id ? { ...op, id } : op;
  }

  private kick(): void {
    if (this.running || this.closed || (!this.list && this.sendable() === undefined)) return;
    this.running = true;
    void this.run()
      .then(
        () => true,
        (err: unknown) => {
          // A fault of this code, not of the server: said in the console, and tried again later, not in a loop.
          console.error("todo sync:", err);
          return false;
        },
      )
      .then((ok) => {
        this.running = false;
        if (this.closed || (this.sendable() === undefined && !(this.refreshWanted && this.list))) return;
        if (ok) this.kick();
        else setTimeout(() => this.kick(), MAX_BACKOFF_MS);
      });
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (this.sendable()) {
        this.on.status({ state: "saving", pending: this.outbox.pending().length });
        await withSender(() => this.sendAll());
      } else if (this.refreshWanted && this.list) {
        await this.attempt(() => this.read());
      } else break;
    }
    if (!this.closed) this.on.status({ state: "saved" });
  }

  /** Sends every change waiting, oldest first, as this browser's one sending tab. */
  private async sendAll(): Promise<void> {
    for (let entry = this.sendable(); entry && !this.closed; entry = this.sendable()) {
      this.on.status({ state: "saving", pending: this.outbox.pending().length });
      const sending = entry;
      await this.holdingRemote(() => this.attempt(() => this.send(sending), sending));
    }
  }

  /**
   * Runs `step` until it succeeds or fails for good. Offline and passing failures wait (as long as the server asked,
   * if it did) and try again: the same change, the same key. A refusal drops that change alone and says which and why.
   */
  private async attempt(step: () => Promise<void>, entry?: Entry): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await step();
        return;
      } catch (err) {
        const error = err instanceof ApiError ? err : new ApiError("permanent", undefined, String(err));
        console.warn("todo sync:", error.code ?? error.kind, error.message);
        if (this.closed) return;
        if (!entry && error.code === "NOT_FOUND") {
          // The read names only the list: a list that opens none any more was deleted.
          this.on.gone?.();
          return;
        }
        if (error.kind === "permanent") {
          if (entry) {
            this.refuse(entry, describeRefusal(entry.op, this.titleOf(entry.op), error));
            this.refreshWanted = true;
          } else {
            this.on.status({ state: "failed", message: describeError(error, false) });
            // A read the server refuses for good (a token it no longer knows, say) is not asked again as it was.
            this.token = null;
            this.refreshWanted = false;
          }
          return;
        }
        this.on.status({ state: "retrying", message: describeError(error, true) });
        await sleep(Math.max(Math.min(MAX_BACKOFF_MS, 250 * 2 ** tries), error.retryAfterMs ?? 0));
      }
    }
  }

  /** Runs `step` with changes from elsewhere held, then applies those that came meanwhile. */
  private async holdingRemote(step: () => Promise<void>): Promise<void> {
    this.held = [];
    try {
      await step();
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const change of held) this.applyRemote(change);
    }
  }

  /** Drops a change the server refused for good (and, for a create, the changes made on its todo), saying why. */
  private refuse(entry: Entry, message: string): void {
    this.outbox.answer(entry, { refused: message, at: Date.now() });
    if (entry.op.kind === "create")
      for (const later of this.outbox.pending())
        if (later.op.id === entry.op.id) this.outbox.remove(later.op.key);
    this.on.status({ state: "failed", message });
    this.on.changed();
  }

  /** The todo's title as the server last confirmed it (before the change being described). */
  private titleOf(op: Op): string {
    if (op.kind === "create") return op.title;
    const id = this.outbox.serverId(op.id) ?? op.id;
    return this.base.find((t) => t.id === id)?.title ?? "a todo";
  }

  private async send(entry: Entry): Promise<void> {
    const op = this.resolved(entry.op);
    if (isLocalId(op.id) && op.kind !== "create") {
      // Its todo's create was refused: the change can never apply.
      this.outbox.remove(op.key);
      return;
    }
    const variables: Record<string, unknown> =
      op.kind === "create"
        ? { text: op.title, listId: entry.list, key: op.key }
        : { id: op.id, listId: entry.list, key: op.key };
    if (op.kind === "rename") variables.text = op.title;
    if (op.kind === "delete") variables.version = op.version ?? null;
    const answer = await graphql<Record<string, TaskView | string | null>>(DOCUMENTS[op.kind], variables, {
      keepalive: true,
    });
    const value = Object.values(answer.data)[0];
    const task = isTask(value) ? value : null;
    const answered: Answer = { task, token: answer.token, at: Date.now() };
    this.rebase(entry, op, task);
    this.outbox.answer(entry, answered);
    if (entry.list === this.target) this.take({ ...entry, op }, answered);
  }

  /**
   * Later changes to the same todo were made on the view that held this one: they now stand on its answer. Their
   * version moves up only when nothing else happened to the todo in between (the answer is at most one event past
   * the version this change was made on), so a delete still finds out about a change made elsewhere meanwhile.
   */
  private rebase(entry: Entry, op: Op, task: TaskView | null): void {
    if (!task) return;
    const from = op.kind === "create" ? undefined : op.version;
    const clean = task.version - (from ?? 0) <= 1;
    const moved: Entry[] = [];
    for (const later of this.outbox.pending()) {
      if (later === entry || (later.op.id !== entry.op.id && later.op.id !== task.id)) continue;
      const version = later.op.kind === "create" ? undefined : later.op.version;
      const rebased = clean && version === from ? { version: task.version } : {};
      moved.push({ ...later, op: { ...later.op, id: task.id, ...rebased } as Op });
    }
    this.outbox.update(moved);
  }

  /** Takes the server's answer to a change of this list (made here or in another tab) into the confirmed list. */
  private take(entry: Entry, answer: Answer): void {
    if (answer.refused !== undefined) {
      this.on.status({ state: "failed", message: answer.refused });
      return;
    }
    const { op } = entry;
    const task = answer.task ?? null;
    if (op.kind === "create" && task) {
      this.on.renamed(op.id, task.id);
    }
    if (op.kind === "delete") {
      this.deleted.add(op.id);
      this.absorb({ token: answer.token ?? "", tasks: [], deleted: [op.id] });
    } else if (task) {
      if (op.kind === "rename") this.mine.set(task.id, { title: task.text, version: task.version });
      if (op.kind === "complete" || op.kind === "reopen")
        this.mine.set(task.id, { ...this.mine.get(task.id), completed: task.done, version: task.version });
      this.absorb({ token: answer.token ?? "", tasks: [task], deleted: [] });
    } else if (op.kind !== "create") {
      // Deleted meanwhile (the server answers no task): the change stood on a todo that is gone.
      this.absorb({ token: answer.token ?? "", tasks: [], deleted: [op.id] });
    }
    if (answer.token) this.token = answer.token;
    this.save();
    this.on.changed();
  }

  /** A change from the server into the confirmed list (and over a read under way, which may predate it). */
  private absorb(change: RemoteChange): void {
    for (const id of change.deleted) this.deleted.add(id);
    this.arrivedDuringRead?.push(change);
    this.tell(change.tasks);
    this.base = merge(this.base, change, this.deleted);
    this.save();
    this.on.changed();
  }

  /** Says when a change from elsewhere replaced what this browser set on a todo. */
  private tell(tasks: TaskView[]): void {
    for (const task of tasks) {
      const mine = this.mine.get(task.id);
      if (!mine || task.version <= mine.version) continue;
      this.mine.delete(task.id);
      const message = toldOf(mine, task);
      if (message) this.on.told?.(message);
    }
  }

  private async read(): Promise<void> {
    this.refreshWanted = false;
    if (!this.list) return;
    // The server answers pages of at most 500: read them all. Only the first is given the token: the cursor it
    // answers carries it, so every later page waits for it too (even across a rebuild's switch between pages).
    const tasks: TaskView[] = [];
    let cursor: string | null = null;
    const arrived: RemoteChange[] = [];
    this.arrivedDuringRead = arrived;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const variables: Record<string, unknown> = {
          listId: this.listKey(),
          after: page === 0 ? this.token : null,
          cursor,
        };
        const answer = await graphql<{ tasks: { tasks: TaskView[]; nextCursor: string | null } }>(
          PAGE,
          variables,
        );
        tasks.push(...answer.data.tasks.tasks);
        cursor = answer.data.tasks.nextCursor;
        if (cursor === null) break;
      }
    } finally {
      this.arrivedDuringRead = undefined;
    }
    if (this.closed) return;
    this.tell(tasks);
    const read: Todo[] = tasks.filter((t) => !this.deleted.has(t.id)).map(fromServer);
    this.base = arrived.reduce((base: Todo[], change) => merge(base, change, this.deleted), read);
    this.save();
    this.on.changed();
  }

  private load(): void {
    try {
      const saved = JSON.parse(this.storage.getItem(this.storageKey) ?? "null") as
        | (Cached & { ops?: unknown })
        | null;
      if (saved && Array.isArray(saved.base)) {
        this.base = saved.base;
        this.token = typeof saved.token === "string" ? saved.token : null;
      }
      // An outbox saved whole by an earlier version of the app: its changes join the shared outbox.
      if (saved && Array.isArray(saved.ops)) {
        for (const op of legacyOps(saved.ops)) this.outbox.add(op, this.target);
        this.save();
      }
    } catch {
      // A damaged copy is only a cache of the server's list: start from the server.
    }
  }

  private save(): void {
    if (this.closed) return;
    const saved: Cached = { base: this.base, token: this.token };
    this.storage.setItem(this.storageKey, JSON.stringify(saved));
  }
}

/** Changes an earlier version of the app queued (whole-todo updates): as intents, each under a key of its own. */
function legacyOps(ops: unknown[]): Op[] {
  const out: Op[] = [];
  for (const raw of ops) {
    const op = raw as { kind?: string; id?: string; title?: string; completed?: boolean; key?: string };
    if (typeof op.id !== "string" || typeof op.key !== "string") continue;
    if (op.kind === "create" && typeof op.title === "string")
      out.push({ kind: "create", id: op.id, title: op.title, key: op.key });
    else if (op.kind === "delete") out.push({ kind: "delete", id: op.id, key: op.key });
    else if (op.kind === "update" && typeof op.title === "string") {
      out.push({ kind: "rename", id: op.id, title: op.title, key: `${op.key}-text` });
      out.push({ kind: op.completed ? "complete" : "reopen", id: op.id, key: `${op.key}-done` });
    }
  }
  return out;
}

/** The confirmed list with a change from the server applied: newer versions win, deleted ids go. */
function merge(base: Todo[], change: RemoteChange, deleted: ReadonlySet<string>): Todo[] {
  const incoming = new Map(change.tasks.map((t) => [t.id, t]));
  const next: Todo[] = [];
  for (const todo of base) {
    if (deleted.has(todo.id)) continue;
    const task = incoming.get(todo.id);
    incoming.delete(todo.id);
    next.push(task && task.version > (todo.version ?? 0) ? fromServer(task) : todo);
  }
  for (const task of incoming.values()) if (!deleted.has(task.id)) next.push(fromServer(task));
  return next;
}

function isTask(value: unknown): value is TaskView {
  const task = value as Partial<TaskView> | null;
  return typeof task?.id === "string" && typeof task.text === "string" && typeof task.version === "number";
}

const fromServer = (task: TaskView): Todo => ({
  id: task.id,
  title: task.text,
  completed: task.done,
  version: task.version,
});
