/**
 * GraphiQL with the network cut off: every request but those to this machine is refused. And GraphiQL opened from
 * the app: on the app's list, with its live subscription.
 */
import { addTodos, expect, listIdOf, openApp, synced, test } from "./fixtures";

test("graphiql: loads and runs the walkthrough with no network but localhost", async ({ page, context }) => {
  const refused: string[] = [];
  await context.route("**/*", (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === "127.0.0.1" || hostname === "localhost") return route.continue();
    refused.push(route.request().url());
    return route.abort("internetdisconnected");
  });

  await page.goto("/graphql");
  const editor = page.locator(".graphiql-query-editor");
  await expect(editor).toContainText("mutation CreateTask");
  await expect(editor).toContainText("query List");
  await expect(editor).toContainText("mutation UpdateTask");
  await expect(editor).toContainText("mutation DeleteTask");

  await page.getByRole("button", { name: /Execute query/ }).click();
  await page.getByRole("menuitem", { name: "CreateTask" }).click();
  const result = page.locator(".graphiql-response");
  await expect(result).toContainText('"text": "Do the dishes!"');
  await expect(result).toContainText('"done": false');

  // `list` without a consistency token reads the projection as it is: run it again, as a person would, until the
  // projector has folded the create.
  await expect(async () => {
    await page.getByRole("button", { name: /Execute query/ }).click();
    await page.getByRole("menuitem", { name: "List" }).click();
    await expect(result).toContainText('"list"', { timeout: 1000 });
    await expect(result).toContainText("Do the dishes!", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  expect(refused).toEqual([]);
});

test("graphiql: opened from the app, it works on the app's list and runs its live subscription", async ({
  page,
  context,
}) => {
  await openApp(page);
  await addTodos(page, "seen from graphiql");
  await synced(page);
  const href = await page.locator(".graphiql-link").getAttribute("href");
  expect(href).toBe(`/graphql?listId=${listIdOf(page)}`);

  const graphiql = await context.newPage();
  await graphiql.goto(href ?? "");
  const editor = graphiql.locator(".graphiql-query-editor");
  await expect(editor).toContainText(`The list the app opened this page with: ${listIdOf(page)}`);
  await expect(editor).toContainText("subscription Live");

  await graphiql.getByRole("button", { name: /Execute query/ }).click();
  await graphiql.getByRole("menuitem", { name: "Live" }).click();
  const result = graphiql.locator(".graphiql-response");
  // The opening message (no token, nothing changed) says the server took the subscription: a change made from
  // then on reaches it.
  await expect(result).toContainText('"token": null');
  await addTodos(page, "added while graphiql watches");
  await expect(result).toContainText("added while graphiql watches");
  await expect(result).toContainText('"listChanged"');
});
