/**
 * Lists as capabilities: `createList` mints a list's two capabilities, records them in the list registry (so the
 * list is usable the moment it is answered), then appends its ListCreated event; `listInfo` shows a list to whoever
 * holds one of its capabilities (the id itself only to whoever holds it).
 */
import {
  CURRENT_SCHEMA_VERSION,
  encodeListEvent,
  type ListEnvelope,
  validateText,
} from "../../shared/domain";
import { UpstreamUnknownOutcomeError } from "../../shared/errors";
import { errorFields } from "../../shared/http/log";
import { mintCapability } from "../../shared/lists/capability";
import { listCipher, mintDataKey } from "../../shared/lists/cipher";
import type { ListRecord } from "../../shared/lists/port";
import { NO_LIST, type Scope, scopeList } from "./access";
import { pokeAfter, type WriteContext } from "./commands";
import { formatToken } from "./consistency/token";
import { awaitToken } from "./consistency/wait";
import { AppendOutcomeUnknownError, ForbiddenError, NotFoundError } from "./service-errors";

/** A list as the API shows it: `id` is null for a caller holding only its view id. */
export interface ListView {
  id: string | null;
  viewId: string | null;
  title: string | null;
  createdAt: string | null;
}

const MINT_ATTEMPTS = 3;

export async function createList(
  ctx: WriteContext,
  title: string | null | undefined,
): Promise<{ list: ListView; token?: string }> {
  const given = title ?? null;
  if (given !== null) {
    const invalid = validateText(given, "title");
    if (invalid) throw invalid;
  }
  // The list's words are sealed under its own key, bound to its ListCreated event, before anything is stored.
  const key = mintDataKey();
  const eventId = ctx.newId();
  const sealed = given === null ? null : await listCipher(key).seal(eventId, given);
  let list: ListRecord | undefined;
  for (let attempt = 0; attempt < MINT_ATTEMPTS && !list; attempt++) {
    const minted = {
      id: mintCapability(),
      viewId: mintCapability(),
      title: sealed,
      createdAt: ctx.metadata.now,
      key,
    };
    // 128 random bits collide with nothing; a taken id is refused rather than shared, and another is minted.
    if (await ctx.deps.lists.register(minted)) list = minted;
  }
  if (!list) throw new Error("createList: no free list id after three mints");
  const envelope: ListEnvelope = {
    type: "ListCreated",
    data: { title: list.title, viewId: list.viewId },
    eventId,
    schemaVersion: CURRENT_SCHEMA_VERSION,
    listId: list.id,
    version: 1,
    occurredAt: ctx.metadata.now,
    metadata: {
      ...(ctx.metadata.requestId === undefined ? {} : { requestId: ctx.metadata.requestId }),
      ...(ctx.metadata.idempotencyKey === undefined ? {} : { idempotencyKey: ctx.metadata.idempotencyKey }),
    },
  };
  let records: Awaited<ReturnType<typeof ctx.deps.log.append>>;
  try {
    records = await ctx.deps.log.append(list.id, [encodeListEvent(envelope)]);
  } catch (err) {
    // An append that may have stored the event keeps the registration (the list exists if the event does); one
    // that certainly stored nothing gives it back, so no list exists that the log does not record.
    if (err instanceof UpstreamUnknownOutcomeError) throw new AppendOutcomeUnknownError(err);
    const created = list;
    await ctx.deps.lists.unregister(created).catch((e: unknown) =>
      ctx.log.error("list registration not undone after a refused append", {
        error: errorFields(e),
      }),
    );
    throw err;
  }
  const last = records[records.length - 1];
  ctx.log.info("list created", { partition: last?.partition, offset: last?.offset });
  if (last) pokeAfter(ctx, last);
  const { id, viewId, createdAt } = list;
  return { list: { id, viewId, createdAt, title: given }, ...(last && { token: formatToken(last) }) };
}

/** The list a scope opened, as its holder may see it (its title opened under its key). */
export async function listInfo(scope: Scope): Promise<ListView> {
  if (scope.kind !== "list") {
    return { id: null, viewId: null, title: null, createdAt: null };
  }
  const record = scope.record;
  const title = record?.title ?? null;
  return {
    id: scope.mode === "edit" ? (scopeList(scope) ?? null) : null,
    viewId: record?.viewId ?? null,
    title: title === null || !record?.key ? title : await listCipher(record.key).open(title),
    createdAt: record?.createdAt ?? null,
  };
}

/**
 * Purges a list for good, with its id (the edit capability): first its registry entry goes, its data key with it,
 * in one atomic step (the erasure point: from then on every copy of its words, in the log, the projection, backups,
 * is ciphertext no one can open); then a ListPurged event is appended, whose fold removes the list's tasks, their
 * states and histories from the projection; the answer comes once the projection has folded it. The id of a list
 * already purged purges again (completing a purge whose append failed); a view id is refused.
 */
export async function purgeList(ctx: WriteContext, listId: string): Promise<{ id: string; token?: string }> {
  const opened = await ctx.deps.lists.open(listId);
  if (opened === undefined) throw new NotFoundError(NO_LIST, "listId");
  if (opened.mode === "view") {
    throw new ForbiddenError("this is the list's read-only link (viewId): purging the list needs its id");
  }
  const id = opened.mode === "purged" ? opened.id : opened.list.id;
  if (opened.mode === "edit" && !(await ctx.deps.lists.purge(opened.list))) {
    throw new NotFoundError(NO_LIST, "listId");
  }
  ctx.log.info("list key destroyed", {});
  // Its subscribers are told, and their sockets closed: nothing of the list reaches them any more.
  const hubs = ctx.deps.hubs;
  if (hubs)
    ctx.background(
      hubs
        .purged(id)
        .catch((err: unknown) =>
          ctx.log.error("live sockets of the purged list not closed", { error: errorFields(err) }),
        ),
    );
  const envelope: ListEnvelope = {
    type: "ListPurged",
    data: {},
    eventId: ctx.newId(),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    listId: id,
    version: 2,
    occurredAt: ctx.metadata.now,
    metadata: ctx.metadata.requestId === undefined ? {} : { requestId: ctx.metadata.requestId },
  };
  let records: Awaited<ReturnType<typeof ctx.deps.log.append>>;
  try {
    records = await ctx.deps.log.append(id, [encodeListEvent(envelope)]);
  } catch (err) {
    if (err instanceof UpstreamUnknownOutcomeError) throw new AppendOutcomeUnknownError(err);
    throw err;
  }
  const last = records[records.length - 1];
  if (!last) return { id };
  pokeAfter(ctx, last);
  const token = formatToken(last);
  await awaitToken(ctx.deps, token);
  return { id, token };
}
