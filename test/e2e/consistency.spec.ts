/**
 * Fast hands: changes show at once, reach the server in order, exactly once, and survive a reload that cuts them
 * short; failures are explained in words and the page recovers.
 */
import { addTodos, expect, labels, listIdOf, openApp, serverTitles, synced, test } from "./fixtures";

test("fast hands: five todos typed in a row, reloaded at once, all appear in order, none twice", async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const five = ["first", "second", "third", "fourth", "fifth"];
  const input = page.locator(".new-todo");
  for (const title of five) {
    await input.pressSequentially(title, { delay: 0 });
    await input.press("Enter");
  }
  await expect(labels(page)).toHaveText(five);
  await page.reload();

  await expect(labels(page)).toHaveText(five);
  await synced(page);
  await expect(labels(page)).toHaveText(five);
  expect(await serverTitles(baseURL ?? "", listIdOf(page))).toEqual(five);
  // And once more from the server alone, in a browser that never saw the list.
  await page.goto(`/?list=${listIdOf(page)}`);
  await expect(labels(page)).toHaveText(five);
});

test("errors: a change the log refuses is explained in words, retried, and saved once", async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const text = `unlucky ${Date.now()}`;
  // The next two produce requests carrying this text fail, as an Upstash outage would.
  const kafka = process.env.E2E_KAFKA_URL ?? "";
  const fault = await fetch(`${kafka}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "fail", status: 503, count: 2, path: "/produce", bodyIncludes: text }),
  });
  expect(fault.status).toBe(200);

  await addTodos(page, text);
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("couldn't save your change just now");
  await expect(alert).toContainText("Trying again");
  await expect(labels(page)).toHaveText([text]);

  await synced(page);
  await expect(alert).toBeHidden();
  expect(await serverTitles(baseURL ?? "", listIdOf(page))).toEqual([text]);
});

test("errors: a todo deleted elsewhere is explained, and the list recovers", async ({ page, baseURL }) => {
  await openApp(page);
  await addTodos(page, "gone soon", "stays");
  await synced(page);
  const [id] = await page.evaluate(() => [document.querySelector<HTMLElement>(".todo-list li")?.dataset.id]);
  await fetch(`${baseURL}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "mutation ($id: String!) { deleteTask(id: $id) }", variables: { id } }),
  });

  await page.locator(".todo-list li").first().locator(".toggle").click();

  await expect(page.getByRole("alert")).toContainText("That todo no longer exists");
  await expect(labels(page)).toHaveText(["stays"]);
});
