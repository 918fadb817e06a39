/**
 * The TodoMVC page: renders the list with the spec's markup and class names, keyed by todo id so that an
 * update never recreates the <li> being edited or focused, and turns what the person does into changes. A list this
 * browser may not change (opened with its read-only link) is shown without a control that would change it.
 */
import { filterOf, filterTodos, itemsWord, type Todo } from "./model";
import type { TodoSync } from "./sync";
import { cleanText, fits, watchLimit } from "./text-limit";

const ENTER_KEY = "Enter";
const ESCAPE_KEY = "Escape";
const HISTORY_BUTTON =
  '<button class="history" type="button" title="History">' +
  '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">' +
  '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/></svg></button>';

function need<T extends Element>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (!element) throw new Error(`the page has no ${selector}`);
  return element;
}

export interface ViewHooks {
  openHistory: (todo: Todo, opener: HTMLElement) => void;
}

export class TodoView {
  private readonly items = new Map<string, HTMLLIElement>();
  /** Whether the items were built with their controls (they are rebuilt when that changes). */
  private builtEditable: boolean | undefined;
  private readonly app = need<HTMLElement>(document, ".todoapp");
  private editing: string | undefined;
  private readonly newTodo = need<HTMLInputElement>(document, ".new-todo");
  private readonly main = need<HTMLElement>(document, ".main");
  private readonly footer = need<HTMLElement>(document, ".footer");
  private readonly list = need<HTMLUListElement>(document, ".todo-list");
  private readonly toggleAll = need<HTMLInputElement>(document, ".toggle-all");
  private readonly count = need<HTMLElement>(document, ".todo-count");
  private readonly clear = need<HTMLButtonElement>(document, ".clear-completed");

  constructor(
    private readonly sync: TodoSync,
    private readonly hooks: ViewHooks,
  ) {
    const showNewLimit = watchLimit(this.newTodo);
    this.newTodo.addEventListener("keydown", (e) => {
      if (e.key !== ENTER_KEY || e.isComposing) return;
      const title = this.newTodo.value.trim();
      if (title === "") return;
      // Too long: kept in the input, with the note saying by how much (the server would refuse it).
      if (!fits(title)) return showNewLimit();
      this.sync.create(title);
      this.newTodo.value = "";
      showNewLimit();
    });
    this.toggleAll.addEventListener("change", () => {
      const completed = this.toggleAll.checked;
      for (const t of this.sync.todos()) {
        if (t.completed !== completed)
          this.sync.change({ kind: completed ? "complete" : "reopen", id: t.id });
      }
    });
    this.clear.addEventListener("click", () => {
      for (const t of this.sync.todos()) if (t.completed) this.sync.change({ kind: "delete", id: t.id });
    });
    window.addEventListener("hashchange", () => this.render());
  }

  /** A todo's id changed (its create was answered): the element, and an edit under way, follow it. */
  rename(from: string, to: string): void {
    const li = this.items.get(from);
    if (li) {
      this.items.delete(from);
      // Shown already under its server id (a live message or another tab's answer came first): one element stays,
      // the one being edited if either is, so that no element is left in the page outside the map.
      const shown = this.items.get(to);
      const [kept, dropped] = shown && this.editing !== from ? [shown, li] : [li, shown];
      dropped?.remove();
      this.items.set(to, kept);
      kept.dataset.id = to;
    }
    if (this.editing === from) this.editing = to;
  }

  render(): void {
    const editable = this.sync.canEdit();
    if (editable !== this.builtEditable) {
      for (const li of this.items.values()) li.remove();
      this.items.clear();
      this.builtEditable = editable;
      this.app.dataset.access = editable ? "edit" : "view";
    }
    const todos = this.sync.todos();
    const filter = filterOf(location.hash);
    const shown = filterTodos(todos, filter);
    const active = todos.filter((t) => !t.completed).length;
    const completed = todos.length - active;

    this.footer.hidden = todos.length === 0;
    this.toggleAll.checked = todos.length > 0 && active === 0;
    this.count.replaceChildren(
      Object.assign(document.createElement("strong"), { textContent: String(active) }),
      ` ${itemsWord(active)} left`,
    );
    this.clear.hidden = completed === 0 || !editable;
    for (const a of document.querySelectorAll<HTMLAnchorElement>(".filters a")) {
      const selected = filterOf(a.hash) === filter;
      a.classList.toggle("selected", selected);
      if (selected) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }

    const keep = new Set(shown.map((t) => t.id));
    for (const [id, li] of this.items) {
      if (!keep.has(id)) {
        // Deleted elsewhere while it is being edited here: the edit and its text stay, with a way to add it back.
        if (id === this.editing && (li.dataset.orphan || !todos.some((t) => t.id === id))) {
          this.orphan(li);
          continue;
        }
        li.remove();
        this.items.delete(id);
      }
    }
    shown.forEach((todo, index) => {
      const li =
        this.items.get(todo.id) ?? (editable ? this.createItem(todo) : this.createReadOnlyItem(todo));
      this.fill(li, todo);
      if (this.list.children[index] !== li) this.list.insertBefore(li, this.list.children[index] ?? null);
    });
    // An edit kept for a todo deleted elsewhere keeps the list shown.
    const orphaned = this.editing !== undefined && this.items.get(this.editing)?.dataset.orphan !== undefined;
    this.main.hidden = todos.length === 0 && !orphaned;
  }

  /** An item of a list this browser may only read: its title and its history button, nothing else. */
  private createReadOnlyItem(todo: Todo): HTMLLIElement {
    const li = document.createElement("li");
    li.dataset.id = todo.id;
    li.innerHTML = `<div class="view"><label></label>${HISTORY_BUTTON}</div>`;
    this.onHistory(li);
    this.items.set(todo.id, li);
    return li;
  }

  private onHistory(li: HTMLLIElement): void {
    need<HTMLButtonElement>(li, ".history").addEventListener("click", (e) => {
      const t = this.sync.todos().find((t) => t.id === li.dataset.id);
      if (t) this.hooks.openHistory(t, e.currentTarget as HTMLElement);
    });
  }

  private createItem(todo: Todo): HTMLLIElement {
    const li = document.createElement("li");
    li.dataset.id = todo.id;
    li.innerHTML =
      '<div class="view"><input class="toggle" type="checkbox"><label tabindex="0"></label>' +
      HISTORY_BUTTON +
      '<button class="destroy" type="button"></button></div><input class="edit">';
    const toggle = need<HTMLInputElement>(li, ".toggle");
    const label = need<HTMLLabelElement>(li, "label");
    const edit = need<HTMLInputElement>(li, ".edit");
    const current = () => this.sync.todos().find((t) => t.id === li.dataset.id);
    label.id = `todo-${Math.random().toString(36).slice(2)}`;
    toggle.setAttribute("aria-labelledby", label.id);

    toggle.addEventListener("change", () => {
      const t = current();
      if (t) this.sync.change({ kind: toggle.checked ? "complete" : "reopen", id: t.id });
    });
    need(li, ".destroy").addEventListener("click", () => {
      const t = current();
      if (t) this.sync.change({ kind: "delete", id: t.id });
    });
    this.onHistory(li);
    const startEditing = () => {
      const t = current();
      if (!t) return;
      this.editing = t.id;
      li.classList.add("editing");
      edit.value = t.title;
      edit.focus();
      edit.setSelectionRange(edit.value.length, edit.value.length);
    };
    label.addEventListener("dblclick", startEditing);
    label.addEventListener("keydown", (e) => {
      if (e.key === ENTER_KEY || e.key === "F2") startEditing();
    });
    const showEditLimit = watchLimit(edit);
    const finish = (save: boolean) => {
      if (!li.classList.contains("editing")) return;
      if (li.dataset.orphan) {
        if (save) this.addBack(li);
        else this.discard(li);
        return;
      }
      // Too long to save: the edit stays open with its text, and the note says by how much.
      if (save && !fits(edit.value)) {
        showEditLimit();
        return;
      }
      li.classList.remove("editing");
      this.editing = undefined;
      const t = current();
      if (!t) return;
      const title = edit.value.trim();
      if (save && title === "") this.sync.change({ kind: "delete", id: t.id });
      else if (save && title !== t.title) this.sync.change({ kind: "rename", id: t.id, title });
      else this.render();
      if (li.isConnected) label.focus();
    };
    edit.addEventListener("keydown", (e) => {
      if (e.key === ENTER_KEY && !e.isComposing) finish(true);
      else if (e.key === ESCAPE_KEY) finish(false);
    });
    // Leaving the edit saves it; not once its todo is gone (the note's buttons say what to do with the text).
    edit.addEventListener("blur", () => {
      if (!li.dataset.orphan) finish(true);
    });
    this.items.set(todo.id, li);
    return li;
  }

  /** Shows, on an edit whose todo was deleted elsewhere, that it was, keeping the text, with a way to add it back. */
  private orphan(li: HTMLLIElement): void {
    if (li.dataset.orphan) return;
    li.dataset.orphan = "true";
    const note = document.createElement("p");
    note.className = "deleted-note";
    note.setAttribute("role", "alert");
    note.textContent = "This todo was deleted elsewhere while you were editing it. Your text is kept: ";
    const add = Object.assign(document.createElement("button"), {
      type: "button",
      textContent: "Add it back",
    });
    const discard = Object.assign(document.createElement("button"), {
      type: "button",
      textContent: "Discard",
    });
    add.addEventListener("click", () => this.addBack(li));
    discard.addEventListener("click", () => this.discard(li));
    note.append(add, " ", discard);
    li.append(note);
    this.list.append(li);
  }

  /** Adds the text of an edit whose todo was deleted elsewhere as a new todo (if the server would take it). */
  private addBack(li: HTMLLIElement): void {
    const edit = need<HTMLInputElement>(li, ".edit");
    const title = cleanText(edit.value).trim();
    if (!fits(title)) return;
    this.discard(li);
    if (title !== "") this.sync.create(title);
  }

  private discard(li: HTMLLIElement): void {
    const id = li.dataset.id;
    if (id !== undefined) this.items.delete(id);
    if (this.editing === id) this.editing = undefined;
    li.remove();
    this.render();
  }

  private fill(li: HTMLLIElement, todo: Todo): void {
    li.classList.toggle("completed", todo.completed);
    li.classList.toggle("pending", todo.id.startsWith("local:"));
    const label = need<HTMLLabelElement>(li, "label");
    if (label.textContent !== todo.title) label.textContent = todo.title;
    need(li, ".history").setAttribute("aria-label", `History of: ${todo.title}`);
    const toggle = li.querySelector<HTMLInputElement>(".toggle");
    if (!toggle) return;
    toggle.checked = todo.completed;
    label.title = "Double-click, or press Enter, to edit";
    need(li, ".destroy").setAttribute("aria-label", `Delete: ${todo.title}`);
    need(li, ".edit").setAttribute("aria-label", `Edit: ${todo.title}`);
  }
}
