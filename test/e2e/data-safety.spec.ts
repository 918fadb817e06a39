/**
 * Nothing the person does is lost, done twice or overwritten: two tabs of one browser, two browsers on one todo,
 * offline replay, full or blocked storage, a share link opened with changes queued, a refused change, a rate limit,
 * and a todo deleted while it is being edited. After each, what every page shows is the server's list, and the
 * event log (read straight from the Kafka emulator, not from the list) holds each change once.
 */

import type { BrowserContext, Page } from "@playwright/test";
import { Kafka } from "@upstash/kafka";
import { addTodos, expect, labels, listIdOf, openApp, projectorCaughtUp, synced, test } from "./fixtures";

interface Logged {
  type: string;
  taskId: string;
}

/** Every event of the tasks created on `listId`, in log order, as the log holds them. */
async function logOf(listId: string): Promise<Logged[]> {
  const kafka = new Kafka({
    url: process.env.E2E_KAFKA_URL ?? "",
    username: process.env.E2E_KAFKA_USERNAME ?? "",
    password: process.env.E2E_KAFKA_PASSWORD ?? "",
  });
  const topic = process.env.E2E_KAFKA_TOPIC ?? "";
  const values: string[] = [];
  for (;;) {
    const page = await kafka.consumer().fetch({ topic, partition: 0, offset: values.length, timeout: 0 });
    if (page.length === 0) break;
    values.push(...page.map((m) => m.value));
  }
  const events = values.map(
    (v) => JSON.parse(v) as { type: string; taskId: string; data: { listId?: string } },
  );
  const mine = new Set(events.filter((e) => e.data.listId === listId).map((e) => e.taskId));
  return events.filter((e) => mine.has(e.taskId)).map(({ type, taskId }) => ({ type, taskId }));
}

const count = (log: Logged[], type: string) => log.filter((e) => e.type === type).length;

/** The list as the API has it once the projector has folded everything: texts and done flags, in order. */
async function serverList(baseURL: string, listId: string): Promise<string[]> {
  await projectorCaughtUp();
  const res = await fetch(`${baseURL}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      query: "query ($l: String) { list(listId: $l) { text done } }",
      variables: { l: listId },
    }),
  });
  const body = (await res.json()) as { data: { list: Array<{ text: string; done: boolean }> } };
  return body.data.list.map((t) => (t.done ? `${t.text} (done)` : t.text));
}

/** What a page shows, in the same form as serverList. */
async function shown(page: Page): Promise<string[]> {
  return page
    .locator(".todo-list li")
    .evaluateAll((lis) =>
      lis.map(
        (li) =>
          `${li.querySelector("label")?.textContent ?? ""}${li.classList.contains("completed") ? " (done)" : ""}`,
      ),
    );
}

/** Settles every page, then checks each shows exactly the server's list. */
async function agree(baseURL: string | undefined, listId: string, ...pages: Page[]): Promise<string[]> {
  for (const page of pages) await synced(page);
  const server = await serverList(baseURL ?? "", listId);
  for (const page of pages) await expect.poll(() => shown(page)).toEqual(server);
  return server;
}

/** The API is out of reach for `target` (requests fail as offline ones do); the pages themselves still load. */
async function apiDown(target: BrowserContext | Page): Promise<void> {
  await target.route("**/graphql", (route) =>
    route.request().method() === "POST" ? route.abort("internetdisconnected") : route.fallback(),
  );
}

async function apiUp(target: BrowserContext | Page): Promise<void> {
  await target.unroute("**/graphql");
}

/** A second browser (its own storage) on the edit link of `page`'s list. */
async function secondBrowser(page: Page, browser: import("@playwright/test").Browser, baseURL?: string) {
  const link = await page.getByRole("link", { name: "edit link" }).getAttribute("href");
  const context = await browser.newContext({ baseURL });
  const other = await context.newPage();
  return { context, other, link: link ?? "" };
}

/**
 * A's list holds "buy milk", and B (a second browser) shows it too, with a live socket that goes nowhere: what B
 * does next is done on the todo as it saw it, before anything A does reaches it. `use` runs, then B closes.
 */
async function buyMilkInTwoBrowsers(
  page: Page,
  browser: import("@playwright/test").Browser,
  baseURL: string | undefined,
  use: (b: Page, listId: string) => Promise<void>,
): Promise<void> {
  await openApp(page);
  await addTodos(page, "buy milk");
  await synced(page);
  const b = await secondBrowser(page, browser, baseURL);
  try {
    await b.other.routeWebSocket(/\/graphql/, () => {});
    await b.other.goto(b.link);
    await expect(labels(b.other)).toHaveText(["buy milk"]);
    await synced(b.other);
    await use(b.other, listIdOf(page));
  } finally {
    await b.context.close();
  }
}

async function rename(page: Page, from: string, to: string): Promise<void> {
  const li = page.locator(".todo-list li", { hasText: from });
  await li.locator("label").dblclick();
  await li.locator(".edit").fill(to);
  await li.locator(".edit").press("Enter");
}

/** `page` on a list of its own, and a second tab of the same browser on it, both settled. */
async function twoTabs(page: Page, context: BrowserContext): Promise<{ tab2: Page; listId: string }> {
  await openApp(page);
  const listId = listIdOf(page);
  const tab2 = await context.newPage();
  await tab2.goto(`/?list=${listId}`);
  await synced(tab2);
  return { tab2, listId };
}

const tick = (page: Page, title: string) =>
  page.locator(".todo-list li", { hasText: title }).locator(".toggle").click();

test("two tabs of one browser, offline: each tab's todo survives the other and a reload", async ({
  page,
  context,
  baseURL,
}) => {
  const { tab2, listId } = await twoTabs(page, context);

  await apiDown(context);
  await addTodos(page, "from tab one");
  await addTodos(tab2, "from tab two");
  // Each tab shows the other's change too: there is one outbox per browser.
  await expect(labels(page)).toHaveText(["from tab one", "from tab two"]);
  await page.reload();
  await expect(labels(page)).toHaveText(["from tab one", "from tab two"]);
  await apiUp(context);

  expect(await agree(baseURL, listId, page, tab2)).toEqual(["from tab one", "from tab two"]);
  expect(count(await logOf(listId), "TaskCreated")).toBe(2);
});

test("an idle second tab never saves an empty queue over a change still waiting to be sent", async ({
  page,
  context,
  baseURL,
}) => {
  const { tab2, listId } = await twoTabs(page, context);
  await apiDown(page);
  await addTodos(page, "waiting");
  // The idle tab looks at the list again (its window comes back into focus): it shows the change waiting, and
  // writes nothing over it.
  await tab2.evaluate(() => window.dispatchEvent(new Event("focus")));
  await expect(labels(tab2)).toHaveText(["waiting"]);
  await page.close();
  // The tab that typed it is gone: the other tab sends it.
  expect(await agree(baseURL, listId, tab2)).toEqual(["waiting"]);
  expect(count(await logOf(listId), "TaskCreated")).toBe(1);
});

test("two browsers: a rename and a tick of one todo both survive", async ({ page, browser, baseURL }) => {
  await buyMilkInTwoBrowsers(page, browser, baseURL, async (b, listId) => {
    await rename(page, "buy milk", "buy oat milk");
    await synced(page);
    await tick(b, "buy milk");
    await synced(b);
    await b.evaluate(() => window.dispatchEvent(new Event("focus")));

    expect(await agree(baseURL, listId, page, b)).toEqual(["buy oat milk (done)"]);
    const log = await logOf(listId);
    expect([count(log, "TaskRenamed"), count(log, "TaskCompleted")]).toEqual([1, 1]);
  });
});

test("two browsers: of two renames the later wins, and the other browser is told", async ({
  page,
  browser,
  baseURL,
}) => {
  await buyMilkInTwoBrowsers(page, browser, baseURL, async (b, listId) => {
    await rename(page, "buy milk", "buy oat milk");
    await synced(page);
    await rename(b, "buy milk", "buy soy milk");
    await synced(b);

    expect(await agree(baseURL, listId, page, b)).toEqual(["buy soy milk"]);
    await expect(page.locator(".sync-notice")).toContainText('"buy oat milk"');
    await expect(page.locator(".sync-notice")).toContainText('"buy soy milk"');
    expect(count(await logOf(listId), "TaskRenamed")).toBe(2);
  });
});

test("offline replay: a clear-completed never deletes a todo reopened elsewhere, a tick keeps a rename", async ({
  page,
  browser,
  baseURL,
}) => {
  await openApp(page);
  const listId = listIdOf(page);
  await addTodos(page, "paid bills", "call mum");
  await tick(page, "paid bills");
  await synced(page);
  const b = await secondBrowser(page, browser, baseURL);
  try {
    await b.other.goto(b.link);
    await expect(labels(b.other)).toHaveText(["paid bills", "call mum"]);
    await synced(b.other);

    await apiDown(b.context);
    await b.other.routeWebSocket(/\/graphql/, () => {});
    await b.other.reload();
    await b.other.getByRole("button", { name: "Clear completed" }).click();
    await tick(b.other, "call mum");
    await expect(labels(b.other)).toHaveText(["call mum"]);

    await rename(page, "call mum", "call mum and dad");
    await tick(page, "paid bills");
    await synced(page);

    await apiUp(b.context);
    await b.other.evaluate(() => window.dispatchEvent(new Event("focus")));
    // B's delete was decided on a todo that A has changed since: kept, and B is asked to look again.
    await expect(b.other.getByRole("alert")).toContainText('"paid bills"');
    expect(await agree(baseURL, listId, page, b.other)).toEqual(["paid bills", "call mum and dad (done)"]);
    const log = await logOf(listId);
    expect(count(log, "TaskDeleted")).toBe(0);
    expect(count(log, "TaskRenamed")).toBe(1);
  } finally {
    await b.context.close();
  }
});

test("full storage: a todo is added once, shown, saved, and the page says a reload would lose it", async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const listId = listIdOf(page);
  // Filled to the last character, as storage another app on this site filled would be.
  await page.evaluate(() => {
    let i = 0;
    for (let size = 64 * 1024; size >= 1; size = Math.floor(size / 2)) {
      const chunk = "x".repeat(size);
      for (;;) {
        try {
          localStorage.setItem(`filler-${i++}`, chunk);
        } catch {
          break;
        }
      }
    }
  });
  const input = page.locator(".new-todo");
  await apiDown(page);
  await input.fill("one todo");
  // Pressed again, as anyone would when nothing seems to happen.
  for (let i = 0; i < 3; i++) await input.press("Enter");
  await expect(labels(page)).toHaveText(["one todo"]);
  await expect(page.locator(".storage-warning")).toContainText("reload");
  // What a reload would lose, counted while the server is out of reach.
  await expect(page.locator(".storage-warning")).toContainText("Not sent yet: 1 change.");
  await apiUp(page);
  expect(await agree(baseURL, listId, page)).toEqual(["one todo"]);
  expect(count(await logOf(listId), "TaskCreated")).toBe(1);
});

test("blocked storage: the app works in memory and says changes will not survive a reload", async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ baseURL });
  try {
    await context.addInitScript(() => {
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("The operation is insecure.", "SecurityError");
        },
      });
    });
    const page = await context.newPage();
    await openApp(page);
    await addTodos(page, "kept in memory");
    await expect(page.locator(".storage-warning")).toContainText("reload");
    expect(await agree(baseURL, listIdOf(page), page)).toEqual(["kept in memory"]);
    expect(count(await logOf(listIdOf(page)), "TaskCreated")).toBe(1);
  } finally {
    await context.close();
  }
});

test("a share link or a new list opened with changes queued: they still reach their own list", async ({
  page,
  context,
  baseURL,
}) => {
  await openApp(page);
  const first = listIdOf(page);
  const res = await fetch(`${baseURL}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "mutation { createList { id } }" }),
  });
  const other = ((await res.json()) as { data: { createList: { id: string } } }).data.createList.id;

  await apiDown(context);
  await addTodos(page, "queued for the first list");
  await page.goto(`/?list=${other}`);
  await apiUp(context);
  // Opened once the server has answered which list the link opens (it offers the link to share then).
  await expect(page.getByRole("link", { name: "edit link" })).toHaveAttribute(
    "href",
    new RegExp(`list=${other}`),
  );
  await synced(page);
  await expect.poll(() => serverList(baseURL ?? "", first)).toEqual(["queued for the first list"]);

  // And a new list started while a change waits for the one open.
  await apiDown(context);
  await addTodos(page, "queued for the second list");
  await page.goto("/?new");
  await apiUp(context);
  await expect(page.getByRole("link", { name: "edit link" })).toBeVisible();
  await expect(page).not.toHaveURL(new RegExp(`list=${other}`));
  await synced(page);
  await expect.poll(() => serverList(baseURL ?? "", other)).toEqual(["queued for the second list"]);
  expect(await labels(page).count()).toBe(0);
  expect(count(await logOf(first), "TaskCreated")).toBe(1);
  expect(count(await logOf(other), "TaskCreated")).toBe(1);
});

test("a refused change drops only itself, says which and why; a later tick of the same todo is saved", async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const listId = listIdOf(page);
  await addTodos(page, "buy milk");
  await synced(page);
  // A server with a stricter rule than this app knows refuses this one text.
  const refused = "buy milk at the shop that the server will not take";
  await page.route("**/graphql", async (route) => {
    const body = route.request().postData() ?? "";
    if (!body.includes(refused)) return route.fallback();
    await route.fulfill({
      contentType: "application/json",
      body: JSON.stringify({
        data: null,
        errors: [{ message: "text is not accepted", extensions: { code: "BAD_USER_INPUT", field: "text" } }],
      }),
    });
  });
  await rename(page, "buy milk", refused);
  await page.locator(".todo-list li").first().locator(".toggle").click();
  await expect(page.getByRole("alert")).toContainText('"buy milk"');
  await expect(page.getByRole("alert")).toContainText("text is not accepted");
  expect(await agree(baseURL, listId, page)).toEqual(["buy milk (done)"]);
  const log = await logOf(listId);
  expect([count(log, "TaskRenamed"), count(log, "TaskCompleted")]).toEqual([0, 1]);
});

test("a 429 with Retry-After and no readable body is waited out and retried, and the todo saved once", async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const listId = listIdOf(page);
  let limited = 0;
  await page.route("**/graphql", async (route) => {
    if (limited > 0 || !(route.request().postData() ?? "").includes("createTask")) return route.fallback();
    limited++;
    await route.fulfill({
      status: 429,
      headers: { "retry-after": "1" },
      contentType: "text/html",
      body: "<h1>Slow down</h1>",
    });
  });
  await addTodos(page, "rate limited once");
  expect(await agree(baseURL, listId, page)).toEqual(["rate limited once"]);
  expect(limited).toBe(1);
  expect(count(await logOf(listId), "TaskCreated")).toBe(1);
});

test("a todo deleted in another browser while it is edited here keeps the text and offers to add it back", async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const listId = listIdOf(page);
  await addTodos(page, "draft");
  await synced(page);
  await expect(page.locator("body")).toHaveAttribute("data-live", "live");
  const li = page.locator(".todo-list li").first();
  const id = await li.getAttribute("data-id");
  await li.locator("label").dblclick();
  await li.locator(".edit").fill("draft, much improved");

  await fetch(`${baseURL}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: "mutation ($id: String!, $l: String) { deleteTask(id: $id, listId: $l) }",
      variables: { id, l: listId },
    }),
  });

  await expect(li.locator(".deleted-note")).toContainText("deleted elsewhere while you were editing it");
  await expect(li.locator(".edit")).toHaveValue("draft, much improved");
  await li.getByRole("button", { name: "Add it back" }).click();
  await expect(labels(page)).toHaveText(["draft, much improved"]);
  expect(await agree(baseURL, listId, page)).toEqual(["draft, much improved"]);
  expect(count(await logOf(listId), "TaskCreated")).toBe(2);
});

test("a paste brings in nothing the server refuses: a vertical tab and a line break become spaces, and it is saved", async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const listId = listIdOf(page);
  const input = page.locator(".new-todo");
  await input.focus();
  // As a paste from a document does: one input event with the whole text.
  await page.evaluate(() => document.execCommand("insertText", false, "pasted\u000bfrom\na document"));
  await expect(input).toHaveValue("pasted from a document");
  await input.press("Enter");
  expect(await agree(baseURL, listId, page)).toEqual(["pasted from a document"]);
  expect(count(await logOf(listId), "TaskCreated")).toBe(1);
});

test("a todo another tab created shows once, even when the live socket tells of it before that tab's answer", async ({
  page,
  context,
  baseURL,
}) => {
  const { tab2, listId } = await twoTabs(page, context);
  await expect(tab2.locator("body")).toHaveAttribute("data-live", "live");
  // The create is answered (to whichever tab sends it) only once the other tab has been told of the todo over its
  // live socket: that tab then shows the change still queued and the todo the socket brought, the same todo twice.
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await context.route("**/graphql", async (route) => {
    if (!(route.request().postData() ?? "").includes("createTask")) return route.fallback();
    const response = await route.fetch();
    await released;
    await route.fulfill({ response });
  });
  await addTodos(page, "told live first");
  await expect.poll(async () => Math.max(await labels(page).count(), await labels(tab2).count())).toBe(2);
  release();
  expect(await agree(baseURL, listId, page, tab2)).toEqual(["told live first"]);
  await expect(labels(page)).toHaveText(["told live first"]);
  await expect(labels(tab2)).toHaveText(["told live first"]);
});
