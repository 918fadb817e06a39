/** The TodoMVC application specification, behaviour by behaviour, against the running workers. */
import { addTodos, expect, items, labels, openApp, synced, test } from "./fixtures";

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test("no todos: main and footer are hidden", async ({ page }) => {
  await expect(page.locator(".main")).toBeHidden();
  await expect(page.locator(".footer")).toBeHidden();
});

test("new todo: Enter appends it trimmed, clears the input; a blank one is ignored", async ({ page }) => {
  await addTodos(page, "  buy milk  ", "   ", "walk the dog");

  await expect(labels(page)).toHaveText(["buy milk", "walk the dog"]);
  await expect(page.locator(".new-todo")).toHaveValue("");
  await expect(page.locator(".main")).toBeVisible();
  await expect(page.locator(".footer")).toBeVisible();
});

test("counter: 0 items, 1 item, 2 items left, the number in <strong>", async ({ page }) => {
  await addTodos(page, "one");
  await expect(page.locator(".todo-count")).toHaveText("1 item left");
  await addTodos(page, "two");
  await expect(page.locator(".todo-count")).toHaveText("2 items left");
  await expect(page.locator(".todo-count strong")).toHaveText("2");
  await items(page).locator(".toggle").first().check();
  await items(page).locator(".toggle").nth(1).check();
  await expect(page.locator(".todo-count")).toHaveText("0 items left");
});

test("toggle: marks an item complete (li.completed) and back", async ({ page }) => {
  await addTodos(page, "one", "two");
  const first = items(page).first();

  await first.locator(".toggle").check();
  await expect(first).toHaveClass(/completed/);
  await expect(items(page).nth(1)).not.toHaveClass(/completed/);
  await first.locator(".toggle").uncheck();
  await expect(first).not.toHaveClass(/completed/);
});

test("toggle all: sets every item to its state, and follows the items", async ({ page }) => {
  await addTodos(page, "one", "two", "three");
  const toggleAll = page.locator(".toggle-all");

  await page.locator(".toggle-all + label").click();
  await expect(items(page).filter({ hasNot: page.locator(".toggle:not(:checked)") })).toHaveCount(3);
  await expect(toggleAll).toBeChecked();
  await items(page).first().locator(".toggle").uncheck();
  await expect(toggleAll).not.toBeChecked();
  await items(page).first().locator(".toggle").check();
  await expect(toggleAll).toBeChecked();
  await page.locator(".toggle-all + label").click();
  await expect(page.locator(".todo-list li.completed")).toHaveCount(0);
});

test("edit: double-click edits; Enter saves trimmed, Escape cancels, blur saves, empty destroys", async ({
  page,
}) => {
  await addTodos(page, "one", "two", "three");
  const first = items(page).first();

  await first.locator("label").dblclick();
  await expect(first).toHaveClass(/editing/);
  await expect(first.locator(".edit")).toBeFocused();
  await expect(first.locator(".toggle")).toBeHidden();
  await first.locator(".edit").fill("  one, edited  ");
  await first.locator(".edit").press("Enter");
  await expect(first).not.toHaveClass(/editing/);
  await expect(labels(page).first()).toHaveText("one, edited");

  await items(page).nth(1).locator("label").dblclick();
  await items(page).nth(1).locator(".edit").fill("never saved");
  await items(page).nth(1).locator(".edit").press("Escape");
  await expect(labels(page).nth(1)).toHaveText("two");

  await items(page).nth(1).locator("label").dblclick();
  await items(page).nth(1).locator(".edit").fill("two, by blur");
  await page.locator(".new-todo").click();
  await expect(labels(page).nth(1)).toHaveText("two, by blur");

  await items(page).nth(2).locator("label").dblclick();
  await items(page).nth(2).locator(".edit").fill("   ");
  await items(page).nth(2).locator(".edit").press("Enter");
  await expect(labels(page)).toHaveText(["one, edited", "two, by blur"]);

  await synced(page);
  await page.reload();
  await expect(labels(page)).toHaveText(["one, edited", "two, by blur"]);
});

test("destroy: shown on hover, removes the item", async ({ page }) => {
  await addTodos(page, "one", "two");
  const first = items(page).first();

  await expect(first.locator(".destroy")).toBeHidden();
  await first.hover();
  await first.locator(".destroy").click();
  await expect(labels(page)).toHaveText(["two"]);
});

test("clear completed: removes completed items, hidden when there are none", async ({ page }) => {
  await addTodos(page, "one", "two", "three");
  const clear = page.locator(".clear-completed");

  await expect(clear).toBeHidden();
  await items(page).first().locator(".toggle").check();
  await items(page).nth(2).locator(".toggle").check();
  await clear.click();
  await expect(labels(page)).toHaveText(["two"]);
  await expect(clear).toBeHidden();
  await expect(page.locator(".toggle-all")).not.toBeChecked();
});

test("routing: #/active and #/completed filter the list and select their link; a reload keeps the route", async ({
  page,
}) => {
  await addTodos(page, "one", "two", "three");
  await items(page).nth(1).locator(".toggle").check();

  await page.locator(".filters a", { hasText: "Active" }).click();
  await expect(page).toHaveURL(/#\/active$/);
  await expect(labels(page)).toHaveText(["one", "three"]);
  await expect(page.locator(".filters a.selected")).toHaveText("Active");
  // An item changed under a filter follows it: checked in Active, it leaves the view.
  await items(page).first().locator(".toggle").click();
  await expect(labels(page)).toHaveText(["three"]);

  await page.locator(".filters a", { hasText: "Completed" }).click();
  await expect(labels(page)).toHaveText(["one", "two"]);
  await expect(page.locator(".filters a.selected")).toHaveText("Completed");

  await synced(page);
  await page.reload();
  await expect(page.locator(".filters a.selected")).toHaveText("Completed");
  await expect(labels(page)).toHaveText(["one", "two"]);

  await page.goBack();
  await page.locator(".filters a", { hasText: "All" }).click();
  await expect(labels(page)).toHaveText(["one", "two", "three"]);
});

test("persistence: the list survives a reload, and is read back from the event log", async ({
  page,
  context,
}) => {
  await addTodos(page, "one", "two");
  await items(page).first().locator(".toggle").check();
  await synced(page);

  await page.reload();
  await expect(labels(page)).toHaveText(["one", "two"]);
  await expect(items(page).first()).toHaveClass(/completed/);

  // With this browser's copy gone, the list comes back from the server alone.
  await context.clearCookies();
  await page.evaluate(() => {
    for (const key of Object.keys(localStorage))
      if (key.startsWith("todos-es-cqrs:state:")) localStorage.removeItem(key);
  });
  await page.reload();
  await expect(labels(page)).toHaveText(["one", "two"]);
  await expect(items(page).first()).toHaveClass(/completed/);
});
