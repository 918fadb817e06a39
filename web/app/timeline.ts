/**
 * A todo's timeline: every event the log holds for it (`history(id, listId)`), oldest first, with its time, the version
 * it made and where it sits in the log. Shown in a modal <dialog>: focus moves in, Escape closes it, and focus
 * returns to the button that opened it.
 */
import { ApiError, graphql } from "./api";
import { isLocalId, type Todo } from "./model";
import { describeError } from "./words";

interface HistoryEntry {
  type: string;
  version: number;
  occurredAt: string;
  position: string;
  text: string | null;
}

const HISTORY = `query History($id: String!, $listId: String, $after: String, $offset: Int) {
  history(id: $id, listId: $listId, after: $after, offset: $offset, limit: 500) { type version occurredAt position text }
}`;
const HISTORY_PAGE = 500;
/** The most pages read for one todo's history. */
const MAX_HISTORY_PAGES = 20;

/**
 * Every event of a todo, page by page (the server answers at most 500 at a time); only the first page waits for
 * the token, as the server allows one wait per request.
 */
async function historyOf(id: string, listId: string | null, after: string | null): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const variables = { id, listId, after: page === 0 ? after : null, offset: entries.length };
    const { data } = await graphql<{ history: HistoryEntry[] }>(HISTORY, variables);
    entries.push(...data.history);
    if (data.history.length < HISTORY_PAGE) break;
  }
  return entries;
}

function what(entry: HistoryEntry): string {
  switch (entry.type) {
    case "TaskCreated":
      return `Created “${entry.text ?? ""}”`;
    case "TaskRenamed":
      return `Renamed to “${entry.text ?? ""}”`;
    case "TaskCompleted":
      return "Marked complete";
    case "TaskReopened":
      return "Marked active again";
    case "TaskDeleted":
      return "Deleted";
    default:
      return entry.type;
  }
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

function ago(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ["day", 86_400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(seconds, "second");
}

function entryItem(entry: HistoryEntry, now: number): HTMLLIElement {
  const li = document.createElement("li");
  li.className = `event event-${entry.type.replace(/^Task/, "").toLowerCase()}`;
  const title = document.createElement("span");
  title.className = "event-what";
  title.textContent = what(entry);
  const time = document.createElement("time");
  time.dateTime = entry.occurredAt;
  time.title = new Date(entry.occurredAt).toLocaleString();
  time.textContent = ago(entry.occurredAt, now);
  const meta = document.createElement("span");
  meta.className = "event-meta";
  meta.append(time, ` · version ${entry.version} · log position ${entry.position}`);
  li.append(title, meta);
  return li;
}

/**
 * The timeline dialog's opener. `token` answers the consistency token of the page's last confirmed change, so the
 * history shown holds every change the person saw saved; `listId` the capability the list is open with (the history
 * of a task is read through its list).
 */
export function createTimeline(
  dialog: HTMLDialogElement,
  token: () => string | null,
  listId: () => string | null,
): (todo: Todo, opener: HTMLElement) => void {
  const heading = dialog.querySelector("h2");
  const body = dialog.querySelector<HTMLElement>(".timeline-body");
  let opener: HTMLElement | undefined;
  // The opener is shown only while its item has focus or the pointer: keep it shown until focus is back on it.
  dialog.addEventListener("close", () => {
    // The browser puts focus back on the opener itself when the dialog closes, and "close" comes later: by then the
    // person may have moved on (a Tab), so focus is only put back when it was lost.
    const active = document.activeElement;
    if (active === null || active === document.body || dialog.contains(active)) opener?.focus();
    opener?.closest("li")?.classList.remove("history-open");
  });
  dialog.querySelector(".timeline-close")?.addEventListener("click", () => dialog.close());
  // A click on the backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) dialog.close();
  });

  return (todo, from) => {
    if (!heading || !body) return;
    opener = from;
    from.closest("li")?.classList.add("history-open");
    heading.textContent = `History of “${todo.title}”`;
    body.replaceChildren(Object.assign(document.createElement("p"), { textContent: "Loading…" }));
    dialog.showModal();
    if (isLocalId(todo.id)) {
      body.replaceChildren(
        Object.assign(document.createElement("p"), {
          textContent: "This todo is still being saved: its history starts once the server has it.",
        }),
      );
      return;
    }
    historyOf(todo.id, listId(), token()).then(
      (history) => {
        const list = document.createElement("ol");
        list.className = "events";
        const now = Date.now();
        for (const entry of history) list.append(entryItem(entry, now));
        const summary = document.createElement("p");
        summary.className = "timeline-summary";
        summary.textContent = `${history.length} ${history.length === 1 ? "event" : "events"} in the log for this todo.`;
        body.replaceChildren(summary, list);
      },
      (err: unknown) => {
        const message =
          err instanceof ApiError ? describeError(err, false) : "The history could not be loaded.";
        body.replaceChildren(
          Object.assign(document.createElement("p"), { textContent: message, role: "alert" }),
        );
      },
    );
  };
}
