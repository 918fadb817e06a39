/** A todo's timeline: its events from the log, in words, with time and version, in an accessible dialog. */
import { addTodos, expect, items, openApp, synced, test } from "./fixtures";

test("timeline: shows every change of a todo, oldest first, with its version", async ({ page }) => {
  await openApp(page);
  await addTodos(page, "buy milk");
  const item = items(page).first();
  await item.locator("label").dblclick();
  await item.locator(".edit").fill("buy oat milk");
  await item.locator(".edit").press("Enter");
  await item.locator(".toggle").check();
  await item.locator(".toggle").uncheck();
  await synced(page);

  await item.hover();
  await item.getByRole("button", { name: "History of: buy oat milk" }).click();
  const dialog = page.getByRole("dialog", { name: "History of “buy oat milk”" });
  await expect(dialog).toBeVisible();
  const events = dialog.locator(".events li");
  await expect(events.locator(".event-what")).toHaveText([
    "Created “buy milk”",
    "Renamed to “buy oat milk”",
    "Marked complete",
    "Marked active again",
  ]);
  await expect(events.locator(".event-meta")).toContainText([
    /version 1 ·/,
    /version 2 ·/,
    /version 3 ·/,
    /version 4 ·/,
  ]);
  await expect(events.first().locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
  await expect(dialog.locator(".timeline-summary")).toHaveText("4 events in the log for this todo.");

  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(item.locator(".history")).toBeFocused();
});

test("keyboard: a todo can be edited, toggled, deleted and its history opened without a mouse", async ({
  page,
}) => {
  await openApp(page);
  await addTodos(page, "by keyboard", "second");
  await synced(page);

  await page.keyboard.press("Tab"); // toggle-all
  await page.keyboard.press("Tab"); // first item's checkbox
  await page.keyboard.press("Space");
  await expect(items(page).first()).toHaveClass(/completed/);
  await page.keyboard.press("Tab"); // its label
  await page.keyboard.press("Enter");
  await expect(items(page).first().locator(".edit")).toBeFocused();
  await page.keyboard.type(" (edited)");
  await page.keyboard.press("Enter");
  await expect(items(page).first().locator("label")).toHaveText("by keyboard (edited)");
  await page.keyboard.press("Tab"); // history
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(items(page).first().locator(".history")).toBeFocused();
  await page.keyboard.press("Tab"); // destroy
  await expect(items(page).first().locator(".destroy")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(items(page).locator("label")).toHaveText(["second"]);
});

test("narrow window: the app fits a 320 px wide screen", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await openApp(page);
  await addTodos(page, "a todo with a long title that has to wrap on a narrow phone screen");
  await items(page).first().locator(".toggle").check();

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.locator(".clear-completed")).toBeVisible();
  await expect(items(page).first().locator(".destroy")).toBeVisible();
});
