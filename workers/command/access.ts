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
import { composedListReads, type ListReads, type Look, type LookOptions } from "../../shared/lists/reads";
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
      /** The projection's checkpoints when `size` was read (a create's bound, see sealing.ts `noteList`). */
      sizedAt?: Map<number, number>;
    };

/** What an id that opens no list is told (the same whatever the reason: never minted, or purged). */
export const NO_LIST = "no list has this id: a list is reached only with the link (id) its creator shared";

/** How a field reads its list: through the look at a named list's capability, or on the default list. */
export interface ScopedRead<T> {
  named(capability: string, options?: LookOptions): Promise<Look<T>>;
  unnamed(): Promise<T>;
}

/**
 * The scope a `listId` argument opens, with `read` of its list done in the same look (see shared/lists/reads.ts):
 * the default list (none given), or a named list through its id (edit) or its view id (read only). A list from
 * before lists were minted (never registered) opens with its id while it holds tasks; `settle` (a read's wait for
 * its consistency token) is awaited before such a list is taken for none, and the list looked at again. Anything
 * else is NOT_FOUND, a purged list too, even while the projection still holds its tasks.
 */
export async function openScopeWith<T>(
  deps: { defaultList: DefaultListPolicy },
  authorization: string | undefined,
  listId: string | null | undefined,
  read: ScopedRead<T>,
  settle?: () => Promise<void>,
): Promise<{ scope: Scope; read: T }> {
  if (listId === undefined || listId === null) {
    await enterDefaultList(deps.defaultList, authorization);
    return { scope: { kind: "default" }, read: await read.unnamed() };
  }
  const invalid = validateListId(listId);
  if (invalid) throw invalid;
  let look = await read.named(listId);
  if (look.kind === "none" && settle) {
    // A list known by its tasks only is as current as the projection: a read given a consistency token looks
    // again once the projection holds it, so a list created just before is not taken for none.
    await settle();
    look = await read.named(listId, { again: true });
  }
  if (look.kind === "list") {
    const { mode, list } = look;
    return { scope: { kind: "list", listId: list.id, mode, record: list }, read: look.read };
  }
  if (look.kind === "unlisted") {
    return { scope: { kind: "list", listId, mode: "edit", size: look.size }, read: look.read };
  }
  throw new NotFoundError(NO_LIST, "listId");
}

/**
 * The scope a `listId` argument opens (see {@link openScopeWith}) for a field that reads nothing of the list with it
 * (`listInfo`, a mutation), in one Redis request (two for a view id the isolate has not seen). `withSize`: the
 * scope carries the list's size (a create checks the bound on it), read in the same request.
 */
export async function openScope(
  deps: { listReads?: ListReads; lists: ListRegistry; store: ReadModel; defaultList: DefaultListPolicy },
  authorization: string | undefined,
  listId: string | null | undefined,
  withSize = false,
): Promise<Scope> {
  // Without a look of its own (as in process), the registry and then the read model.
  const reads = deps.listReads ?? composedListReads(deps.lists, deps.store);
  if (!withSize) {
    const named = (capability: string, options?: LookOptions) => reads.open(capability, options);
    return (await openScopeWith(deps, authorization, listId, { named, unnamed: async () => {} })).scope;
  }
  const named = (capability: string, options?: LookOptions) => reads.sized(capability, options);
  const unnamed = async () => ({ size: 0, checkpoints: new Map<number, number>() });
  const sized = await openScopeWith(deps, authorization, listId, { named, unnamed });
  return sized.scope.kind === "list"
    ? { ...sized.scope, size: sized.read.size, sizedAt: sized.read.checkpoints }
    : sized.scope;
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
