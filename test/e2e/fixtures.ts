/** What the browser tests share: the running system's address, and steps on the TodoMVC page. */
import { test as base, expect, type Page } from "@playwright/test";

export const test = base.extend<{ cspViolations: string[] }>({
  // The system starts in global setup, after the config is read: its address comes from the environment.
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error("E2E_BASE_URL is not set: run through playwright.config.ts (its global setup)");
    await use(url);
  },
  /**
   * What the page's Content-Security-Policy refused, as Chromium reports it on the console: every test fails if
   * anything was (the pages must work under the policy, not around it). A test that provokes a refusal on purpose
   * takes its own out of this list.
   */
  cspViolations: [
    async ({ page }, use) => {
      const seen: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
      });
      await use(seen);
      expect(seen, "refused by the Content-Security-Policy").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the app on a fresh list of this test's own, once the server has minted it (the address then names it). */
export async function openApp(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.locator(".new-todo")).toBeFocused();
  await expect(page).toHaveURL(/\?list=[A-Za-z0-9_-]{22}/);
}

/** Types todos into the new-todo field, pressing Enter after each. */
export async function addTodos(page: Page, ...titles: string[]): Promise<void> {
  const input = page.locator(".new-todo");
  for (const title of titles) {
    await input.fill(title);
    await input.press("Enter");
  }
}

/** Waits until every change has reached the server (the outbox is empty and the last read is done). */
export async function synced(page: Page): Promise<void> {
  await expect(page.locator("body")).toHaveAttribute("data-sync", "saved");
}

export const items = (page: Page) => page.locator(".todo-list li");
export const labels = (page: Page) => page.locator(".todo-list li label");

/** The list this page shows, from its address bar (`?list=`). */
export function listIdOf(page: Page): string {
  const id = new URL(page.url()).searchParams.get("list");
  if (!id) throw new Error(`no ?list= in ${page.url()}`);
  return id;
}

/** Waits until the projector has folded everything the log holds (its `/status` shows no lag). */
export async function projectorCaughtUp(): Promise<void> {
  await expect
    .poll(async () => {
      // As an admin: the public status is kept a few seconds, and could show no lag from before the last change.
      const res = await fetch(`${process.env.E2E_PROJECTOR_URL}/status`, {
        headers: { authorization: `Bearer ${process.env.E2E_ADMIN_TOKEN ?? ""}` },
      });
      return ((await res.json()) as { lag?: number }).lag;
    })
    .toBe(0);
}

/**
 * The titles of `listId` as the API lists them (not as the page shows them), through GraphQL, once the projection has folded everything the log holds (the
 * projector's `/status` shows no lag): reads are eventually consistent, so a list read straight after the page
 * saved could still be missing its last change. Whatever the page appended, a duplicate included, is then in it.
 */
export async function serverTitles(baseURL: string, listId: string): Promise<string[]> {
  await projectorCaughtUp();
  const res = await fetch(`${baseURL}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      query: "query ($l: String) { list(listId: $l) { text } }",
      variables: { l: listId },
    }),
  });
  const body = (await res.json()) as { data: { list: Array<{ text: string }> } };
  return body.data.list.map((t) => t.text);
}
