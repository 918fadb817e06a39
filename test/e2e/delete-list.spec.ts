/**
 * "Delete this list": shown only to a browser that can edit the list, asked for again in plain words, and once
 * confirmed the list is erased for everyone: its edit link opens no list, another browser showing it sees it gone on
 * its next read, and this browser starts a new list. Cancelling deletes nothing.
 */
import type { Page } from "@playwright/test";
import { addTodos, expect, labels, listIdOf, openApp, serverTitles, synced, test } from "./fixtures";

const deleteButton = (page: Page) => page.getByRole("button", { name: "Delete this list" });

/** Answers the next confirm() with `accept`, and returns what it asked. */
function answerConfirm(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once("dialog", (dialog) => {
      expect(dialog.type()).toBe("confirm");
      resolve(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    });
  });
}

test("a list with todos is deleted once confirmed: its links open no list, another browser sees it gone", async ({
  page,
  browser,
  baseURL,
}) => {
  await openApp(page);
  await addTodos(page, "erase me", "and me");
  await synced(page);
  const listId = listIdOf(page);
  const editLink = (await page.getByRole("link", { name: "edit link" }).getAttribute("href")) ?? "";

  const other = await browser.newContext({ baseURL });
  try {
    const pageB = await other.newPage();
    await pageB.goto(editLink);
    await expect(labels(pageB)).toHaveText(["erase me", "and me"]);

    const asked = answerConfirm(page, true);
    await deleteButton(page).click();
    expect(await asked).toMatch(/every todo.*erased.*everyone.*links.*cannot be undone/is);

    // This browser starts a new list, says the old one was deleted, and keeps nothing of it.
    await expect(page.getByRole("status").filter({ hasText: "The list was deleted" })).toBeVisible();
    await expect(page).toHaveURL(/\?list=[A-Za-z0-9_-]{22}/);
    expect(listIdOf(page)).not.toBe(listId);
    await expect(labels(page)).toHaveCount(0);
    await expect(page.locator(".new-todo")).toBeVisible();
    const kept = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(kept).not.toContain(listId);
    expect(kept).not.toContain("erase me");

    // The other browser sees it gone on its next read (here: when it gets focus back), and forgets it too.
    await pageB.evaluate(() => window.dispatchEvent(new Event("focus")));
    await expect(pageB.getByRole("alert")).toContainText("This list was deleted");
    await expect(labels(pageB)).toHaveCount(0);
    expect(await pageB.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain("erase me");

    // Its edit link opens no list.
    await page.goto(editLink);
    await expect(page.getByRole("alert")).toContainText("This link opens no list");
    await expect(labels(page)).toHaveCount(0);
  } finally {
    await other.close();
  }
});

test("cancelling the confirmation deletes nothing", async ({ page, baseURL }) => {
  await openApp(page);
  await addTodos(page, "still here");
  await synced(page);

  const asked = answerConfirm(page, false);
  await deleteButton(page).click();
  await asked;

  await expect(labels(page)).toHaveText(["still here"]);
  await page.reload();
  await expect(labels(page)).toHaveText(["still here"]);
  expect(await serverTitles(baseURL ?? "", listIdOf(page))).toEqual(["still here"]);
});

test("a failed delete says so and keeps the list, and the next try deletes it", async ({ page }) => {
  await openApp(page);
  await addTodos(page, "kept on failure");
  await synced(page);
  const listId = listIdOf(page);

  await page.route("**/graphql", (route) =>
    route.request().postData()?.includes("purgeList")
      ? route.abort("internetdisconnected")
      : route.continue(),
  );
  page.on("dialog", (dialog) => void dialog.accept());
  await deleteButton(page).click();
  await expect(page.getByRole("alert")).toContainText("The list was not deleted");
  expect(listIdOf(page)).toBe(listId);
  await expect(labels(page)).toHaveText(["kept on failure"]);

  await page.unroute("**/graphql");
  await deleteButton(page).click();
  await expect(page.getByRole("status").filter({ hasText: "The list was deleted" })).toBeVisible();
  await expect(page).toHaveURL(/\?list=[A-Za-z0-9_-]{22}/);
  expect(listIdOf(page)).not.toBe(listId);
});

test("the read-only link shows no delete control", async ({ page, browser, baseURL }) => {
  await openApp(page);
  await addTodos(page, "read only");
  await synced(page);
  await expect(deleteButton(page)).toBeVisible();
  const viewLink = (await page.getByRole("link", { name: "read-only link" }).getAttribute("href")) ?? "";

  const viewer = await browser.newContext({ baseURL });
  try {
    const pageC = await viewer.newPage();
    await pageC.goto(viewLink);
    await expect(labels(pageC)).toHaveText(["read only"]);
    await expect(deleteButton(pageC)).toHaveCount(0);
  } finally {
    await viewer.close();
  }
});
