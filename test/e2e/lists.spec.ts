/**
 * Lists are capabilities the server mints: the app gets its list from createList, offers an edit link and a
 * read-only link, shows a list opened by its read-only link without any control, and says when a link opens no
 * list.
 */
import { addTodos, expect, items, labels, listIdOf, openApp, serverTitles, synced, test } from "./fixtures";

test("a fresh browser mints its list: the address carries the server's id, and the todos survive a reload", async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const listId = listIdOf(page);
  expect(listId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  await addTodos(page, "minted one", "minted two");
  await synced(page);

  await page.reload();
  await expect(labels(page)).toHaveText(["minted one", "minted two"]);
  expect(listIdOf(page)).toBe(listId);
  expect(await serverTitles(baseURL ?? "", listId)).toEqual(["minted one", "minted two"]);
});

test("offline at first start: the app says so, keeps what was typed, and mints its list once it can", async ({
  page,
  baseURL,
}) => {
  await page.route("**/graphql", (route) => route.abort("internetdisconnected"));
  await page.goto("/");
  await expect(page.getByRole("alert")).toContainText("Can't reach the server");
  await addTodos(page, "typed offline");
  await expect(labels(page)).toHaveText(["typed offline"]);

  await page.unroute("**/graphql");
  await expect(page).toHaveURL(/\?list=[A-Za-z0-9_-]{22}/);
  await synced(page);
  await expect(labels(page)).toHaveText(["typed offline"]);
  expect(await serverTitles(baseURL ?? "", listIdOf(page))).toEqual(["typed offline"]);
});

test("a list id stored by an older app that opens no list is replaced by a minted one, with its unsent todos", async ({
  page,
  baseURL,
}) => {
  // What the app kept before lists were minted: the id it made up, and a todo it had not sent yet.
  await page.addInitScript(() => {
    if (localStorage.getItem("todos-es-cqrs:list") !== null) return;
    localStorage.setItem("todos-es-cqrs:list", "madeUpByAnOlderApp");
    const op = { kind: "create", id: "local:old", title: "kept from before", key: "olderAppKey0123456789a" };
    localStorage.setItem(
      "todos-es-cqrs:state:madeUpByAnOlderApp",
      JSON.stringify({ base: [], ops: [op], token: null }),
    );
  });
  await page.goto("/");

  await expect(page).toHaveURL(/\?list=[A-Za-z0-9_-]{22}/);
  expect(listIdOf(page)).not.toBe("madeUpByAnOlderApp");
  await synced(page);
  await expect(labels(page)).toHaveText(["kept from before"]);
  expect(await serverTitles(baseURL ?? "", listIdOf(page))).toEqual(["kept from before"]);
});

test("share links: the edit link changes the list, the read-only link only shows it", async ({
  page,
  browser,
  baseURL,
}) => {
  await openApp(page);
  await addTodos(page, "from A", "done by A");
  await items(page).nth(1).locator(".toggle").check();
  await synced(page);
  const editLink = await page.getByRole("link", { name: "edit link" }).getAttribute("href");
  const viewLink = await page.getByRole("link", { name: "read-only link" }).getAttribute("href");
  expect(editLink).toContain(`?list=${listIdOf(page)}`);
  expect(viewLink).toMatch(/\?list=[A-Za-z0-9_-]{22}/);
  expect(viewLink).not.toContain(listIdOf(page));

  const editor = await browser.newContext({ baseURL });
  const viewer = await browser.newContext({ baseURL });
  try {
    const pageB = await editor.newPage();
    await pageB.goto(editLink ?? "");
    await expect(labels(pageB)).toHaveText(["from A", "done by A"]);
    await addTodos(pageB, "from B");
    await items(pageB).first().locator(".toggle").check();
    await synced(pageB);
    await expect(labels(page)).toHaveText(["from A", "done by A", "from B"]);
    await expect(items(page).first()).toHaveClass(/completed/);
    // Whoever holds the edit link can pass on the read-only one too.
    await expect(pageB.getByRole("link", { name: "read-only link" })).toHaveAttribute("href", viewLink ?? "");

    const pageC = await viewer.newPage();
    await pageC.goto(viewLink ?? "");
    await expect(labels(pageC)).toHaveText(["from A", "done by A", "from B"]);
    await expect(items(pageC).first()).toHaveClass(/completed/);
    await expect(pageC.getByText("read-only link", { exact: false }).first()).toBeVisible();
    await expect(pageC.locator(".new-todo")).toBeHidden();
    await expect(pageC.locator(".toggle-all")).toBeHidden();
    await expect(items(pageC).locator(".toggle")).toHaveCount(0);
    await expect(items(pageC).locator(".destroy")).toHaveCount(0);
    await expect(pageC.locator(".clear-completed")).toBeHidden();
    await expect(pageC.getByRole("link", { name: "edit link" })).toHaveCount(0);
    await items(pageC).first().locator("label").dblclick();
    await expect(items(pageC).first()).not.toHaveClass(/editing/);
    await synced(pageC);
    const unsent = await pageC.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith("todos-es-cqrs:state:"))
        .flatMap((k) => (JSON.parse(localStorage.getItem(k) ?? "{}") as { ops?: unknown[] }).ops ?? []),
    );
    expect(unsent).toEqual([]);
    // The history is readable with the read-only link.
    await items(pageC).first().hover();
    await items(pageC).first().getByRole("button", { name: "History of: from A" }).click();
    await expect(pageC.getByRole("dialog").locator(".event-what")).toHaveText([
      "Created “from A”",
      "Marked complete",
    ]);

    // A mutation crafted with the read-only capability is refused.
    const viewId = new URL(viewLink ?? "", baseURL).searchParams.get("list");
    const res = await fetch(`${baseURL}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: 'mutation ($l: String) { createTask(text: "sneaked in", listId: $l) { id } }',
        variables: { l: viewId },
      }),
    });
    const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await serverTitles(baseURL ?? "", listIdOf(page))).toEqual(["from A", "done by A", "from B"]);
  } finally {
    await editor.close();
    await viewer.close();
  }
});

test("a made-up link says it opens no list, and offers a new one", async ({ page }) => {
  await page.goto("/?list=abc");
  const missing = page.getByRole("alert");
  await expect(missing).toContainText("This link opens no list");
  await expect(page.locator(".new-todo")).toBeHidden();
  await expect(page.locator(".main")).toBeHidden();

  await missing.getByRole("link", { name: "Start a new list" }).click();
  await expect(page.locator(".new-todo")).toBeFocused();
  await expect(page).toHaveURL(/\?list=[A-Za-z0-9_-]{22}/);
  expect(listIdOf(page)).not.toBe("abc");
});
