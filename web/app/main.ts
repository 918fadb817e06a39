/** The to-do app: one list per browser (or per share link), kept in step with the event-sourced API. */
import { chooseListId, shareUrl } from "./list-id";
import { type SyncStatus, TodoSync } from "./sync";
import { createTimeline } from "./timeline";
import { TodoView } from "./view";

const POLL_MS = 5000;
/** How long a failure stays on screen once the app has recovered from it. */
const FAILURE_SHOWN_MS = 10_000;

const listId = chooseListId(location, localStorage);
const url = new URL(location.href);
url.search = `?list=${encodeURIComponent(listId)}`;
history.replaceState(null, "", url);

const status = document.querySelector<HTMLElement>(".sync-status");
const alert = document.querySelector<HTMLElement>(".sync-alert");
let failureTimer: ReturnType<typeof setTimeout> | undefined;

function showStatus(s: SyncStatus): void {
  document.body.dataset.sync = s.state;
  if (status)
    status.textContent = s.state === "saving" ? "Saving…" : s.state === "saved" ? "All changes saved" : "";
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
const sync = new TodoSync(listId, localStorage, {
  changed: () => view?.render(),
  status: showStatus,
  renamed: (from, to) => view?.rename(from, to),
});
const dialog = document.querySelector<HTMLDialogElement>("dialog.timeline");
const openHistory = dialog ? createTimeline(dialog, () => sync.lastToken()) : () => {};
view = new TodoView(sync, { openHistory });
view.render();
// Send what a reload cut short (same idempotency keys: nothing is done twice), then read the server's list.
sync.refresh();

const share = document.querySelector<HTMLAnchorElement>(".share-link");
const updateShare = () => {
  if (!share) return;
  share.href = shareUrl(location, listId);
  share.textContent = share.href;
};
updateShare();
window.addEventListener("hashchange", updateShare);

// Another browser may change a shared list: look again when this one comes back, and now and then while shown.
window.addEventListener("focus", () => sync.refresh());
setInterval(() => {
  if (document.visibilityState === "visible" && sync.idle()) sync.refresh();
}, POLL_MS);
