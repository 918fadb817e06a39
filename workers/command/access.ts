/**
 * Who may reach what. A named list is reached only through a capability: its id (read and change) or its view id
 * (read only); without one the answer is NOT_FOUND, exactly as for a list or task that never existed. The default
 * list (no `listId`, the original API) is the operator's: open when `PUBLIC_DEFAULT_LIST` is "true" (as `npm run dev`
 * sets it), reached with `Authorization: Bearer <API_TOKEN>` when that secret is bound, and off otherwise.
 */
import { type Bindings, binding } from "../../shared/config";
import { validateListId } from "../../shared/domain";
import { ConfigError } from "../../shared/errors";
import { bearerToken, sameSecret } from "../../shared/http/secret";
import type { ListRecord, ListRegistry } from "../../shared/lists/port";
import type { ReadModel } from "../../shared/projection/read-model";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "./service-errors";

/** How the default list is reached. */
export type DefaultListPolicy = { kind: "open" } | { kind: "token"; token: string } | { kind: "off" };

/** The most tasks a list holds unless `MAX_LIST_TASKS` says otherwise. */
export const DEFAULT_MAX_LIST_TASKS = 5000;

/** The policy the bindings set: `API_TOKEN` wins over `PUBLIC_DEFAULT_LIST`; neither means off. */
export function defaultListPolicy(env: Bindings): DefaultListPolicy {
  const token = binding(env, "API_TOKEN");
  if (token !== undefined && token !== null && token !== "") {
    if (typeof token !== "string") throw new ConfigError("API_TOKEN", "must be a string");
    return { kind: "token", token };
  }
  const open = binding(env, "PUBLIC_DEFAULT_LIST");
  if (open === true || open === "true") return { kind: "open" };
  if (open === undefined || open === null || open === "" || open === false || open === "false") {
    return { kind: "off" };
  }
  throw new ConfigError("PUBLIC_DEFAULT_LIST", 'must be "true" or "false"');
}

/** `MAX_LIST_TASKS`: how many tasks a named list may hold, 1 to 100000; unset means 5000. */
export function maxListTasks(env: Bindings): number {
  const raw = binding(env, "MAX_LIST_TASKS");
  if (raw === undefined || raw === null || raw === "") return DEFAULT_MAX_LIST_TASKS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw new ConfigError("MAX_LIST_TASKS", "must be an integer from 1 to 100000");
  }
  return n;
}

/** Refuses a request that may not reach the default list under `policy`. */
export async function enterDefaultList(
  policy: DefaultListPolicy,
  authorization: string | undefined,
): Promise<void> {
  if (policy.kind === "open") return;
  if (policy.kind === "off") {
    throw new ForbiddenError(
      "the default list (no listId) is switched off on this deployment: create a list with createList and pass " +
        "its id as listId (the operator enables the default list by binding the secret API_TOKEN)",
    );
  }
  const given = bearerToken(authorization);
  if (given === undefined || !(await sameSecret(given, policy.token))) {
    throw new UnauthenticatedError(
      'the default list (no listId) needs "Authorization: Bearer <API_TOKEN>"; or create a list with createList ' +
        "and pass its id as listId",
    );
  }
}

/** Where a request works: the default list, or a named list through one of its capabilities. */
export type Scope =
  | { kind: "default" }
  | {
      kind: "list";
      listId: string;
      mode: "edit" | "view";
      /** The list as minted; absent for a list from before lists were minted (known by its tasks). */
      record?: ListRecord;
      /** Its active tasks, as projected: read only when asked for (a create's bound) or to know an old list. */
      size?: number;
    };

/** What an id that opens no list is told (the same whatever the reason: never minted, or purged). */
export const NO_LIST = "no list has this id: a list is reached only with the link (id) its creator shared";

/**
 * The scope a `listId` argument opens: the default list (none given), or a named list through its id (edit) or its
 * view id (read only). A list from before lists were minted (never registered) opens with its id while it holds
 * tasks; `settle` (a read's wait for its consistency token) is awaited before such a list is taken for none.
 * `withSize`: the scope carries the list's size (a create checks the bound on it).
 * Anything else is NOT_FOUND.
 */
export async function openScope(
  deps: { lists: ListRegistry; store: ReadModel; defaultList: DefaultListPolicy },
  authorization: string | undefined,
  listId: string | null | undefined,
  settle?: () => Promise<void>,
  withSize = false,
): Promise<Scope> {
  if (listId === undefined || listId === null) {
    await enterDefaultList(deps.defaultList, authorization);
    return { kind: "default" };
  }
  const invalid = validateListId(listId);
  if (invalid) throw invalid;
  // The size is read beside the registry only when the caller needs it; otherwise only when the registry does not
  // know the id (a list from before lists were minted is known by its tasks), so a read costs one request.
  const [opened, known] = await Promise.all([
    deps.lists.open(listId),
    withSize ? deps.store.listSize(listId) : undefined,
  ]);
  // A purged list answers as one that never existed, even while the projection still holds its tasks.
  if (opened?.mode === "purged") throw new NotFoundError(NO_LIST, "listId");
  if (opened) {
    const list = { kind: "list", listId: opened.list.id, mode: opened.mode, record: opened.list } as const;
    return known === undefined ? list : { ...list, size: known };
  }
  const size = known ?? (await deps.store.listSize(listId));
  if (size > 0) return { kind: "list", listId, mode: "edit", size };
  if (settle) {
    // A list known by its tasks only is as current as the projection: a read given a consistency token looks
    // again once the projection holds it, so a list created just before is not taken for none.
    await settle();
    const settled = await deps.store.listSize(listId);
    if (settled > 0) return { kind: "list", listId, mode: "edit", size: settled };
  }
  throw new NotFoundError(NO_LIST, "listId");
}

/** The scope, if it may change its list: a view id may not. */
export function editable(scope: Scope): Scope {
  if (scope.kind === "list" && scope.mode === "view") {
    throw new ForbiddenError("this is the list's read-only link (viewId): changing the list needs its id");
  }
  return scope;
}

/** The list id a scope's tasks carry: undefined for the default list. */
export function scopeList(scope: Scope): string | undefined {
  return scope.kind === "list" ? scope.listId : undefined;
}
