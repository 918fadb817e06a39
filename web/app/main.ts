/** The to-do app: one list per browser (or per share link), kept in step with the event-sourced API. */
import { ApiError, graphql } from "./api";
import { keyOf, type ListAccess, remember, resolveList, shareLinks, startOf } from "./list-id";
import { connectLive, type LiveState } from "./live";
import { DELETE_LIST_QUESTION, forgetList, purgeList } from "./purge";
import { SafeStorage, type StorageProblem } from "./storage";
import { type SyncStatus, TodoSync } from "./sync";
import { createTimeline } from "./timeline";
import { TodoView } from "./view";
import { describeError, describePurgeError } from "./words";

/** While the live socket is down, the list is looked at again this often (a fallback, not the way changes come). */
const FALLBACK_POLL_MS = 30_000;
/** How long a failure stays on screen once the app has recovered from it. */
const FAILURE_SHOWN_MS = 10_000;
const MAX_BACKOFF_MS = 8000;
/** Where what is typed before the server has minted this browser's list is kept (no list id looks like it). */
const NEW_LIST = "(new)";
/** A note for the next page of this tab (the list it showed was deleted), so no link can make one up. */
const NOTICE_KEY = "todos-es-cqrs:notice";
const DELETED_NOTICE = "The list was deleted. This is a new, empty list.";

const storageWarning = document.querySelector<HTMLElement>(".storage-warning");
/** Says plainly when this browser cannot keep what is typed: sent as usual, but lost on a reload until it is. */
function showStorage(problem: StorageProblem | undefined): void {
  document.body.dataset.storage = problem ?? "ok";
  if (!storageWarning) return;
  storageWarning.hidden = problem === undefined;
  storageWarning.textContent =
    problem === "blocked"
      ? "This browser does not let the app keep anything (site data is blocked): your changes are sent as usual, but those not sent yet are lost if you reload or close this page."
      : "This browser's storage for this site is full: your changes are sent as usual, but those not sent yet are kept only in this page and are lost if you reload or close it.";
  const atRisk = unsavedChanges();
  if (atRisk > 0) storageWarning.textContent += ` Not sent yet: ${atRisk} change${atRisk === 1 ? "" : "s"}.`;
}
/** Changes kept only in this page (known once the sync is built). */
let unsavedChanges = () => 0;
// Never throws: with storage full or blocked the app works in memory and says so.
const storage = SafeStorage.open(showStorage);
/** `window[name]`, or undefined where the browser blocks it (reading it throws). */
function storageOf(name: "sessionStorage"): Storage | undefined {
  try {
    return window[name];
  } catch {
    return undefined;
  }
}
if (storage.problem) showStorage(storage.problem);

const start = startOf(location.search, storage);

const status = document.querySelector<HTMLElement>(".sync-status");
const alert = document.querySelector<HTMLElement>(".sync-alert");
const told = document.querySelector<HTMLElement>(".sync-notice");
let failureTimer: ReturnType<typeof setTimeout> | undefined;
/** Changes waiting for other lists (known once the sync is built: it reports its status while it is). */
let waitingElsewhere = () => 0;
let toldTimer: ReturnType<typeof setTimeout> | undefined;

/** Says that a change made here was replaced by a later one made elsewhere. */
function showTold(message: string): void {
  if (!told) return;
  told.textContent = message;
  told.hidden = false;
  clearTimeout(toldTimer);
  toldTimer = setTimeout(() => (told.hidden = true), FAILURE_SHOWN_MS);
}

function showStatus(s: SyncStatus): void {
  document.body.dataset.sync = s.state;
  // How many changes a reload would lose, kept up to date while storage takes nothing.
  if (storage.problem) showStorage(storage.problem);
  // Changes for another list this browser used are sent too: the person is told they wait.
  const elsewhere = waitingElsewhere();
  const others = elsewhere > 0 ? ` (${elsewhere} for another list you used)` : "";
  if (status)
    status.textContent =
      s.state === "saving" ? `Saving…${others}` : s.state === "saved" ? "All changes saved" : "";
  if (!alert) return;
  if (s.state === "retrying" || s.state === "failed") {
    alert.textContent = s.message;
    alert.dataset.kind = s.state;
    alert.hidden = false;
    clearTimeout(failureTimer);
    // A change given up on stays explained for a while; a retry's message goes as soon as it succeeds.
    if (s.state === "failed") failureTimer = setTimeout(() => (alert.hidden = true), FAILURE_SHOWN_MS);
  } else if (alert.dataset.kind === "retrying") {
    alert.hidden = true;
    alert.dataset.kind = "";
  }
}

let view: TodoView | undefined;
// Until the server says which list this is, what is typed waits in this browser: a list being minted takes it, a
// link this browser has not opened before shows nothing editable (it may be a read-only one).
const sync = new TodoSync(
  storage,
  {
    changed: () => view?.render(),
    status: showStatus,
    renamed: (from, to) => view?.rename(from, to),
    gone: () => listGone(),
    told: showTold,
  },
  start.kind === "mint"
    ? { key: NEW_LIST, canEdit: true, list: null }
    : {
        key: start.key,
        canEdit: start.known !== undefined && start.known.id !== null,
        list: start.known?.id ?? null,
      },
);
// Another tab of this browser queued a change, or learnt the server's answer to one: this tab shows it (and sends
// it if that tab is gone).
window.addEventListener("storage", (e) => {
  if (e.storageArea !== null && e.storageArea === storageOf("sessionStorage")) return;
  sync.storageChanged(e.key, e.newValue);
});
waitingElsewhere = () => sync.waitingElsewhere();
unsavedChanges = () => sync.unsaved();
const dialog = document.querySelector<HTMLDialogElement>("dialog.timeline");
const openHistory = dialog
  ? createTimeline(
      dialog,
      () => sync.lastToken(),
      () => sync.listKey(),
    )
  : () => {};
view = new TodoView(sync, { openHistory });
view.render();
if (start.kind === "open" && !start.known && status) status.textContent = "Opening the list…";

const readOnlyNote = document.querySelector<HTMLElement>(".read-only-note");
const share = document.querySelector<HTMLElement>(".share");
let opened: ListAccess | undefined;

function showShareLinks(): void {
  if (!share || !opened) return;
  const links = shareLinks(location, opened);
  const anchors: Array<string | HTMLAnchorElement> = [];
  for (const [kind, href, text] of [
    ["edit", links.edit, "edit link"],
    ["view", links.view, "read-only link"],
  ] as const) {
    if (href === undefined) continue;
    if (anchors.length > 0) anchors.push(" · ");
    anchors.push(
      Object.assign(document.createElement("a"), { className: `share-${kind}`, href, textContent: text }),
    );
  }
  share.replaceChildren("Share this list: ", ...anchors);
  share.hidden = anchors.length === 0;
}
window.addEventListener("hashchange", showShareLinks);

const deleteList = document.querySelector<HTMLElement>(".delete-list");
const deleteButton = document.querySelector<HTMLButtonElement>(".delete-list-button");
const deleteError = document.querySelector<HTMLElement>(".delete-list-error");

// Deleting erases the list for everyone: asked again in plain words first. Once done this browser keeps nothing of
// it (its unsent changes belong to the erased list) and starts a new list; a failure changes nothing here.
deleteButton?.addEventListener("click", async () => {
  const listId = opened?.id;
  if (!opened || !listId || !confirm(DELETE_LIST_QUESTION)) return;
  const access = opened;
  deleteButton.disabled = true;
  deleteButton.textContent = "Deleting the list…";
  if (deleteError) deleteError.hidden = true;
  try {
    await purgeList(listId);
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError("transient", undefined, String(err));
    console.warn("delete list:", error.code ?? error.kind, error.message);
    deleteButton.disabled = false;
    deleteButton.textContent = "Delete this list";
    if (deleteError) {
      deleteError.textContent = describePurgeError(error);
      deleteError.hidden = false;
    }
    return;
  }
  sync.close();
  forgetList(storage, access);
  try {
    storageOf("sessionStorage")?.setItem(NOTICE_KEY, DELETED_NOTICE);
  } catch {
    // The note is a courtesy: without storage the next page shows the new list without it.
  }
  location.assign("/?new");
});

const notice = document.querySelector<HTMLElement>(".notice");
const session = storageOf("sessionStorage");
let noticeText: string | null = null;
try {
  noticeText = session?.getItem(NOTICE_KEY) ?? null;
  session?.removeItem(NOTICE_KEY);
} catch {
  // No note to show.
}
if (notice && noticeText !== null) {
  notice.textContent = noticeText;
  notice.hidden = false;
}

function open(access: ListAccess): void {
  opened = access;
  remember(storage, access);
  const url = new URL(location.href);
  url.search = `?list=${encodeURIComponent(keyOf(access))}`;
  history.replaceState(null, "", url);
  if (readOnlyNote) readOnlyNote.hidden = access.id !== null;
  if (deleteList) deleteList.hidden = access.id === null;
  // Send what was typed or cut short by a reload (same idempotency keys: nothing is done twice), then read the list.
  sync.attach(access);
  // GraphiQL, opened from here, works on this list (and shows its live changes).
  const graphiqlLink = document.querySelector<HTMLAnchorElement>(".graphiql-link");
  if (graphiqlLink) graphiqlLink.href = `/graphql?listId=${encodeURIComponent(keyOf(access))}`;
  // Changes made elsewhere arrive over the live socket; each (re)connection reads the list once to catch up.
  stopLive?.();
  stopLive = connectLive(keyOf(access), {
    state: showLive,
    connected: () => sync.refresh(),
    change: (change) => sync.applyRemote(change),
    gone: () => listGone(),
  });
  showShareLinks();
  const input = document.querySelector<HTMLInputElement>(".new-todo");
  if (access.id !== null && document.activeElement === document.body) input?.focus();
}

function showNoList(why?: string): void {
  const app = document.querySelector<HTMLElement>(".todoapp");
  const missing = document.querySelector<HTMLElement>(".list-missing");
  const because = document.querySelector<HTMLElement>(".list-missing-why");
  if (why !== undefined && because) because.textContent = why;
  if (app) app.hidden = true;
  if (missing) missing.hidden = false;
  if (status) status.textContent = "";
  if (share) share.hidden = true;
  if (deleteList) deleteList.hidden = true;
}

const liveStatus = document.querySelector<HTMLElement>(".live-status");
let live: LiveState = "connecting";
let stopLive: (() => void) | undefined;

/** Says whether changes from elsewhere arrive live, or not until the connection is back. */
function showLive(state: LiveState): void {
  live = state;
  document.body.dataset.live = state;
  if (!liveStatus) return;
  liveStatus.textContent =
    state === "live"
      ? "Live: changes made elsewhere show at once"
      : state === "down"
        ? "Offline from live updates: reconnecting (your changes are kept and sent when possible)"
        : "Connecting for live updates…";
}

/** A read found the list deleted (in another browser, say): this browser forgets it too, and says so. */
function listGone(): void {
  stopLive?.();
  stopLive = undefined;
  sync.close();
  if (opened) forgetList(storage, opened);
  showNoList("This list was deleted: its todos were erased for everyone who had its links.");
}

let tries = 0;
void resolveList(start, graphql, async (error) => {
  tries++;
  showStatus({ state: "retrying", message: describeError(error, true) });
  await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, 250 * 2 ** tries)));
}).then((resolved) => (resolved.kind === "list" ? open(resolved.access) : showNoList()));

// Changes made elsewhere come over the live socket. Looking again when the window comes back costs one read and
// covers a socket that died unnoticed (a laptop asleep); while the socket is down, the list is looked at now and then.
window.addEventListener("focus", () => sync.refresh());
setInterval(() => {
  if (live !== "live" && document.visibilityState === "visible" && sync.idle()) sync.refresh();
}, FALLBACK_POLL_MS);
