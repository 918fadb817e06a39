/**
 * Live updates in the app: two browsers on one shared list; a todo added, completed, renamed and deleted in one
 * appears in the other without a reload, without focus, and without the other reading the list again (its
 * requests are watched: the change comes over its live socket, not from a poll). Also: a todo over the server's
 * 1,000-character limit is neither sent nor lost.
 */
import type { Page, Request } from "@playwright/test";
import { addTodos, expect, items, labels, openApp, synced, test } from "./fixtures";

/** The list reads (`tasks` queries) a page sends from now on. */
function watchReads(page: Page): Request[] {
  const reads: Request[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/graphql") && /query Page/.test(request.postData() ?? ""))
      reads.push(request);
  });
  return reads;
}

/** Opens `page` on a list of its own holding "first", saved; answers the list's edit link. */
async function listHoldingFirst(page: Page): Promise<string> {
  await openApp(page);
  await addTodos(page, "first");
  await synced(page);
  return (await page.getByRole("link", { name: "edit link" }).getAttribute("href")) ?? "";
}

test("a change in one browser shows in another at once, over the live socket", async ({
  page,
  browser,
  baseURL,
}) => {
  const link = await listHoldingFirst(page);

  const other = await browser.newContext({ baseURL });
  try {
    const pageB = await other.newPage();
    await pageB.goto(link);
    await expect(labels(pageB)).toHaveText(["first"]);
    await synced(pageB);
    await expect(page.locator("body")).toHaveAttribute("data-live", "live");
    await expect(pageB.locator("body")).toHaveAttribute("data-live", "live");
    await expect(page.locator(".live-status")).toHaveText("Live: changes made elsewhere show at once");
    const readsByA = watchReads(page);

    await addTodos(pageB, "buy milk");
    await expect(labels(page)).toHaveText(["first", "buy milk"]);

    await items(pageB).nth(1).locator(".toggle").check();
    await expect(items(page).nth(1)).toHaveClass(/completed/);

    await items(pageB).nth(1).locator("label").dblclick();
    await items(pageB).nth(1).locator(".edit").fill("buy oat milk");
    await items(pageB).nth(1).locator(".edit").press("Enter");
    await expect(labels(page)).toHaveText(["first", "buy oat milk"]);
    await expect(items(page).nth(1)).toHaveClass(/completed/);

    await items(pageB).nth(1).hover();
    await items(pageB).nth(1).locator(".destroy").click();
    await expect(labels(page)).toHaveText(["first"]);

    // Nothing of this came from a read of the list: it all came over the socket.
    expect(readsByA).toEqual([]);
  } finally {
    await other.close();
  }
});

test("a change made between the socket's ack and the server taking the subscription still shows in that browser", async ({
  page,
  browser,
  baseURL,
}) => {
  const link = await listHoldingFirst(page);
  // A second browser, live: what reaches it came over its socket, so the hub had been told of it.
  const watching = await browser.newContext({ baseURL });
  // A third browser whose socket is acknowledged at once but whose subscribe reaches the server only when let go:
  // the moment between the two, stretched.
  const late = await browser.newContext({ baseURL });
  try {
    const pageB = await watching.newPage();
    await pageB.goto(link);
    await expect(labels(pageB)).toHaveText(["first"]);
    await expect(pageB.locator("body")).toHaveAttribute("data-live", "live");

    let acked = false;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    await late.routeWebSocket(/\/graphql/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message === "string" && JSON.parse(message).type === "subscribe")
          void released.then(() => server.send(message));
        else server.send(message);
      });
      server.onMessage((message) => {
        if (typeof message === "string" && JSON.parse(message).type === "connection_ack") acked = true;
        ws.send(message);
      });
    });
    const pageC = await late.newPage();
    await pageC.goto(link);
    await expect(labels(pageC)).toHaveText(["first"]);
    await expect.poll(() => acked).toBe(true);
    await synced(pageC);
    await expect(pageC.locator("body")).not.toHaveAttribute("data-live", "live");

    // Added, folded and told to the hub while the third browser's subscription is not there: no socket brings it
    // to the third browser.
    await addTodos(page, "made in between");
    await expect(labels(pageB)).toHaveText(["first", "made in between"]);

    release();
    await expect(pageC.locator("body")).toHaveAttribute("data-live", "live");
    await expect(labels(pageC)).toHaveText(["first", "made in between"]);
  } finally {
    await late.close();
    await watching.close();
  }
});

test("a todo over 1,000 characters is kept in the input with the limit said, never sent", async ({
  page,
}) => {
  await openApp(page);
  const input = page.locator(".new-todo");
  const long = "x".repeat(1001);
  await input.fill(long);
  await expect(page.locator(".header .text-limit")).toHaveText(
    "1 character over the limit of 1000: shorten it to save it (nothing you typed is lost).",
  );
  await input.press("Enter");
  await expect(input).toHaveValue(long);
  await expect(items(page)).toHaveCount(0);

  // Shortened by one, it goes.
  await input.press("Backspace");
  await expect(page.locator(".header .text-limit")).toHaveText("1000 of 1000 characters.");
  await input.press("Enter");
  await expect(items(page)).toHaveCount(1);
  await expect(input).toHaveValue("");
  await synced(page);
});
