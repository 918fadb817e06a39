/** Two browsers on one list through its edit link: each sees what the other does. */
import { addTodos, expect, labels, openApp, synced, test } from "./fixtures";

test("share link: a second browser opens the same list, and the two see each other's changes", async ({
  page,
  browser,
  baseURL,
}) => {
  await openApp(page);
  await addTodos(page, "from A");
  await synced(page);
  const link = await page.getByRole("link", { name: "edit link" }).getAttribute("href");
  expect(link).toMatch(/\/\?list=[A-Za-z0-9_-]+/);

  const other = await browser.newContext({ baseURL });
  try {
    const pageB = await other.newPage();
    await pageB.goto(link ?? "");
    await expect(labels(pageB)).toHaveText(["from A"]);
    await addTodos(pageB, "from B");
    await pageB.locator(".todo-list li").first().locator(".toggle").check();
    await synced(pageB);

    // A looks again now and then while shown, and whenever it gets focus back.
    await expect(labels(page)).toHaveText(["from A", "from B"]);
    await expect(page.locator(".todo-list li").first()).toHaveClass(/completed/);

    // A browser that never opened the link has a list of its own.
    const third = await other.browser()?.newContext({ baseURL });
    const pageC = await third?.newPage();
    await pageC?.goto("/");
    if (pageC) await expect(pageC.locator(".todo-list li")).toHaveCount(0);
    await third?.close();
  } finally {
    await other.close();
  }
});
