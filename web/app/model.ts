/**
 * The app's model, pure: the list as the server last confirmed it (`base`) with the changes not confirmed yet
 * (`ops`, oldest first) applied on top. What the person sees is always `visible(base, ops)`, so a change shows
 * at once (optimistic) and a refresh from the server never loses one still on its way.
 */
export interface Todo {
  /** The task id from the server, or a local id (`local:...`) until its createTask is answered. */
  id: string;
  title: string;
  completed: boolean;
  /** The server's version of the todo, when known: a change from elsewhere applies only if it is newer. */
  version?: number;
}

/** A task as the server answers it. */
export interface TaskView {
  id: string;
  text: string;
  done: boolean;
  version: number;
}

/**
 * One change to send, as the person made it (an intent, never the whole todo), with the idempotency key all its
 * retries share. `version` is the todo's version the change was made on (none for a todo not created on the server
 * yet): a delete is applied only if the todo is still there, so it never removes what someone changed since.
 */
export type Op =
  | { kind: "create"; id: string; title: string; key: string }
  | { kind: "rename"; id: string; title: string; key: string; version?: number }
  | { kind: "complete" | "reopen"; id: string; key: string; version?: number }
  | { kind: "delete"; id: string; key: string; version?: number };

/** An op as the view asks for it; the sync gives it its key. */
export type Change = Op extends infer O ? (O extends Op ? Omit<O, "key"> : never) : never;

export type Filter = "all" | "active" | "completed";

export function applyOp(todos: Todo[], op: Op): Todo[] {
  switch (op.kind) {
    case "create":
      return [...todos, { id: op.id, title: op.title, completed: false }];
    case "rename":
      return todos.map((t) => (t.id === op.id ? { ...t, title: op.title } : t));
    case "complete":
    case "reopen":
      return todos.map((t) => (t.id === op.id ? { ...t, completed: op.kind === "complete" } : t));
    case "delete":
      return todos.filter((t) => t.id !== op.id);
  }
}

export function visible(base: Todo[], ops: Op[]): Todo[] {
  return ops.reduce(applyOp, base);
}

export function isLocalId(id: string): boolean {
  return id.startsWith("local:");
}

export function filterTodos(todos: Todo[], filter: Filter): Todo[] {
  if (filter === "active") return todos.filter((t) => !t.completed);
  if (filter === "completed") return todos.filter((t) => t.completed);
  return todos;
}

/** `#/active` → active; anything else but `#/completed` is all (also `#!/...`). */
export function filterOf(hash: string): Filter {
  const route = hash.replace(/^#!?/, "");
  if (route === "/active") return "active";
  if (route === "/completed") return "completed";
  return "all";
}

/** "0 items left", "1 item left", "2 items left" (the number goes in a <strong>). */
export function itemsWord(count: number): string {
  return count === 1 ? "item" : "items";
}
