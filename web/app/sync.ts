/**
 * Keeps one list in step with the server. Changes go into an outbox that is saved in localStorage before
 * anything is sent, and are sent one at a time, in order, each with its own idempotency key: a retry (after a
 * failure, or after a reload that cut a request short) never duplicates, and five todos typed in a row are
 * created in that order. Reads pass the token of the last confirmed change as `after`, so the server answers
 * only once it shows that change; a read runs only while no change is in flight, so it cannot undo one.
 * Nothing is sent before the server has said which list this is (`attach`): what is typed until then waits in the
 * outbox. Every operation names the list; a list opened with its read-only link takes no change at all.
 */
import { ApiError, graphql } from "./api";
import { randomId } from "./ids";
import { keyOf, type ListAccess } from "./list-id";
import { applyOp, type Change, isLocalId, type Op, renameId, type Todo, visible } from "./model";
import { describeError } from "./words";

export type SyncStatus =
  | { state: "saved" }
  | { state: "saving"; pending: number }
  | { state: "retrying"; message: string }
  | { state: "failed"; message: string };

interface Saved {
  base: Todo[];
  ops: Op[];
  token: string | null;
}

interface TaskView {
  id: string;
  text: string;
  done: boolean;
  version: number;
}

/** A change made elsewhere, as the live subscription brings it: tasks as they are now, and ids deleted. */
export interface RemoteChange {
  token: string;
  tasks: TaskView[];
  deleted: string[];
}

interface TaskPage {
  tasks: TaskView[];
  nextCursor: string | null;
}

const CREATE = `mutation Create($text: String!, $listId: String, $key: String) {
  createTask(text: $text, listId: $listId, idempotencyKey: $key) { id text done version }
}`;
const UPDATE = `mutation Update($id: String!, $text: String!, $done: Boolean!, $listId: String, $key: String) {
  updateTask(id: $id, text: $text, done: $done, listId: $listId, idempotencyKey: $key) { id text done version }
}`;
const DELETE = `mutation Delete($id: String!, $listId: String, $key: String) {
  deleteTask(id: $id, listId: $listId, idempotencyKey: $key)
}`;
const PAGE = `query Page($listId: String, $after: String, $cursor: String) {
  tasks(listId: $listId, first: 500, cursor: $cursor, after: $after) { tasks { id text done version } nextCursor }
}`;
/** The most pages read for one list (a list holds at most 5,000 tasks: 10 pages of 500). */
const MAX_PAGES = 20;

const MAX_BACKOFF_MS = 8000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Where this browser keeps its copy of the list opened with `key`, and its outbox. */
export const stateKey = (key: string) => `todos-es-cqrs:state:${key}`;

export interface SyncEvents {
  changed: () => void;
  status: (status: SyncStatus) => void;
  /** A todo got its server id: anything the view keyed by the old one follows. */
  renamed: (from: string, to: string) => void;
  /** A read answered that the list opens none any more: it was deleted (purged), perhaps in another browser. */
  gone?: () => void;
}

export class TodoSync {
  private base: Todo[] = [];
  private ops: Op[] = [];
  private token: string | null = null;
  private running = false;
  private refreshWanted = true;
  private storageKey: string;
  /** The list, once the server has said which it is; nothing is sent before. */
  private list: ListAccess | undefined;
  private editable: boolean;
  /** Closed for good (the list was deleted): nothing is sent, read or written any more. */
  private closed = false;
  /** Ids deleted on the server, as seen live: never shown again (a read begun before the delete may hold them). */
  private readonly deleted = new Set<string>();
  /** Changes from elsewhere that arrived during a read: applied on top of what the read answers. */
  private arrivedDuringRead: RemoteChange[] | undefined;
  /**
   * Changes from elsewhere held while a change of this browser is on its way: the server may tell of a todo this
   * browser created before the create's answer gives it its id, which would show it twice. Applied once the change
   * is answered (or given up).
   */
  private held: RemoteChange[] | undefined;

  /**
   * `local.key` names the copy kept in this browser until the server answers (the capability the list is opened
   * with, or any name for a list not minted yet); `local.canEdit` whether changes are taken meanwhile.
   */
  constructor(
    private readonly storage: Storage,
    private readonly on: SyncEvents,
    local: { key: string; canEdit: boolean },
  ) {
    this.storageKey = stateKey(local.key);
    this.editable = local.canEdit;
    this.load();
  }

  /** The server has said which list this is: changes and reads go to it from now on. */
  attach(list: ListAccess): void {
    const key = stateKey(keyOf(list));
    if (key !== this.storageKey) {
      // A list minted just now (or in place of one the server no longer knows): only the todos it never had, and
      // their changes, can follow.
      this.storage.removeItem(this.storageKey);
      this.storageKey = key;
      this.base = [];
      this.token = null;
      this.ops = this.ops.filter((op) => isLocalId(op.id));
    }
    this.list = list;
    this.editable = list.id !== null;
    if (!this.editable) this.ops = [];
    this.save();
    this.on.changed();
    this.refresh();
  }

  /**
   * The list was deleted: its unsent changes go with it (they belong to the erased list), nothing more is sent or
   * read, and nothing is written back to storage (forgetting it there is the caller's).
   */
  close(): void {
    this.closed = true;
    this.list = undefined;
    this.editable = false;
    this.base = [];
    this.ops = [];
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
    return visible(this.base, this.ops);
  }

  /** Applies a change at once and queues it for the server. */
  change(change: Change): void {
    if (!this.editable) return;
    this.ops.push({ ...change, key: randomId() });
    this.save();
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
   * version) or new, each deleted id goes. What this browser has not sent yet stays on top (the outbox is applied
   * over the confirmed list), so a change from elsewhere never undoes one typed here.
   */
  applyRemote(change: RemoteChange): void {
    if (this.closed) return;
    for (const id of change.deleted) this.deleted.add(id);
    if (this.held) {
      this.held.push(change);
      return;
    }
    if (this.arrivedDuringRead) this.arrivedDuringRead.push(change);
    this.base = merge(this.base, change, this.deleted);
    this.save();
    this.on.changed();
  }

  /** Asks for the server's list (after every queued change is sent). */
  refresh(): void {
    this.refreshWanted = true;
    this.kick();
  }

  idle(): boolean {
    return !this.running && this.ops.length === 0;
  }

  private kick(): void {
    if (this.running || !this.list || this.closed) return;
    this.running = true;
    void this.run().finally(() => {
      this.running = false;
      if (this.ops.length > 0 || this.refreshWanted) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (this.ops.length > 0 || this.refreshWanted) {
      const head = this.ops[0];
      this.on.status({ state: "saving", pending: this.ops.length });
      if (head) await this.holdingRemote(() => this.attempt(() => this.send(head), head));
      else await this.attempt(() => this.read());
    }
    this.on.status({ state: "saved" });
  }

  /**
   * Runs `step` until it succeeds or fails for good. Offline and transient failures wait and try again (the same
   * op, the same key); a permanent one drops the op, says why and reloads the list from the server.
   */
  private async attempt(step: () => Promise<void>, op?: Op): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await step();
        return;
      } catch (err) {
        const error = err instanceof ApiError ? err : new ApiError("permanent", undefined, String(err));
        console.warn("todo sync:", error.code ?? error.kind, error.message);
        if (this.closed) return;
        if (!op && error.code === "NOT_FOUND") {
          // The read names only the list: a list that opens none any more was deleted.
          this.on.gone?.();
          return;
        }
        if (error.kind === "permanent") {
          this.on.status({ state: "failed", message: describeError(error, false) });
          if (op) {
            this.drop(op);
            this.refreshWanted = true;
          } else {
            // A read the server refuses for good (a token it no longer knows, say) is not asked again as it was.
            this.token = null;
            this.refreshWanted = false;
          }
          return;
        }
        this.on.status({ state: "retrying", message: describeError(error, true) });
        await sleep(Math.min(MAX_BACKOFF_MS, 250 * 2 ** tries));
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

  private drop(op: Op): void {
    this.ops = this.ops.filter((o) => o !== op);
    // Changes to a todo whose create failed for good can never apply: they go with it.
    if (op.kind === "create") this.ops = this.ops.filter((o) => o.id !== op.id);
    this.save();
    this.on.changed();
  }

  private async send(op: Op): Promise<void> {
    const listId = this.list?.id;
    if ((isLocalId(op.id) && op.kind !== "create") || !listId) {
      this.drop(op);
      return;
    }
    const keepalive = { keepalive: true };
    if (op.kind === "create") {
      const variables = { text: op.title, listId, key: op.key };
      const answer = await graphql<{ createTask: TaskView }>(CREATE, variables, keepalive);
      const task = answer.data.createTask;
      // Re-key first, so the view keeps the same element (and any edit under way) for the confirmed todo.
      this.ops = renameId(this.ops, op.id, task.id);
      this.on.renamed(op.id, task.id);
      this.confirm(op, answer.token, (base) =>
        // The live subscription may have brought the todo before its create was answered.
        base.some((t) => t.id === task.id)
          ? base
          : [...base, { id: task.id, title: task.text, completed: task.done, version: task.version }],
      );
    } else if (op.kind === "update") {
      const variables = { id: op.id, text: op.title, done: op.completed, listId, key: op.key };
      const answer = await graphql<{ updateTask: TaskView | null }>(UPDATE, variables, keepalive);
      const task = answer.data.updateTask;
      this.confirm(op, answer.token, (base) =>
        task ? merge(base, { token: "", tasks: [task], deleted: [] }, this.deleted) : applyOp(base, op),
      );
    } else {
      const variables = { id: op.id, listId, key: op.key };
      const answer = await graphql<{ deleteTask: string }>(DELETE, variables, keepalive);
      this.confirm(op, answer.token, (base) => applyOp(base, op));
    }
  }

  /** The server has the op: it moves from the outbox into the confirmed list. */
  private confirm(op: Op, token: string | null, into: (base: Todo[]) => Todo[]): void {
    if (this.closed) return;
    // A delete is final: no later message about the todo (one sent before the delete) brings it back.
    if (op.kind === "delete") this.deleted.add(op.id);
    this.base = into(this.base);
    this.ops = this.ops.filter((o) => o.key !== op.key);
    if (token) this.token = token;
    this.save();
    this.on.changed();
  }

  private async read(): Promise<void> {
    this.refreshWanted = false;
    if (!this.list) return;
    // The server answers pages of at most 500: read them all. Only the first waits for the token (the server
    // allows one wait per request, and once the first page holds the change the next ones do too).
    const tasks: TaskView[] = [];
    let cursor: string | null = null;
    // Changes from elsewhere arriving meanwhile are kept, to go over the read's answer, which may predate them.
    const arrived: RemoteChange[] = [];
    this.arrivedDuringRead = arrived;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const variables: Record<string, unknown> = {
          listId: this.listKey(),
          after: page === 0 ? this.token : null,
          cursor,
        };
        const answer = await graphql<{ tasks: TaskPage }>(PAGE, variables);
        tasks.push(...answer.data.tasks.tasks);
        cursor = answer.data.tasks.nextCursor;
        if (cursor === null) break;
      }
    } finally {
      this.arrivedDuringRead = undefined;
    }
    if (this.closed) return;
    const read: Todo[] = tasks.filter((t) => !this.deleted.has(t.id)).map(fromServer);
    this.base = arrived.reduce((base: Todo[], change) => merge(base, change, this.deleted), read);
    this.save();
    this.on.changed();
  }

  private load(): void {
    try {
      const saved = JSON.parse(this.storage.getItem(this.storageKey) ?? "null") as Saved | null;
      if (saved && Array.isArray(saved.base) && Array.isArray(saved.ops)) {
        this.base = saved.base;
        this.ops = saved.ops;
        this.token = typeof saved.token === "string" ? saved.token : null;
      }
    } catch {
      // A damaged copy is only a cache of the server's list: start from the server.
    }
  }

  private save(): void {
    if (this.closed) return;
    const saved: Saved = { base: this.base, ops: this.ops, token: this.token };
    this.storage.setItem(this.storageKey, JSON.stringify(saved));
  }
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

const fromServer = (task: TaskView): Todo => ({
  id: task.id,
  title: task.text,
  completed: task.done,
  version: task.version,
});
