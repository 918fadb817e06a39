/**
 * The pages under their Content-Security-Policy, in Chromium: the app refuses to be shown inside another site's
 * frame (clickjacking), and GraphiQL's menus and dialogs work with nothing refused (every test here, as every
 * browser test, fails on a refusal it did not provoke).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";

test("framing: the app inside another site's iframe is refused by the browser and shows nothing", async ({
  page,
  baseURL,
  cspViolations,
}) => {
  // Another site: another origin on this machine (a page from a public address may not frame a loopback one at all).
  const framing = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<h1>another site</h1><iframe src="${baseURL}/"></iframe>`);
  });
  await new Promise<void>((listening) => framing.listen(0, "127.0.0.1", listening));
  const { port } = framing.address() as AddressInfo;
  try {
    await page.goto(`http://127.0.0.1:${port}/`);

    // The app is served (on its own it opens), but in the frame the browser shows its error page instead.
    expect((await page.request.get(`${baseURL}/`)).status()).toBe(200);
    const frame = () => page.frames().find((f) => f !== page.mainFrame());
    await expect.poll(() => frame()?.url()).toBe("chrome-error://chromewebdata/");
    await expect(page.frameLocator("iframe").locator(".todoapp")).toHaveCount(0);
    await expect(page.locator("h1")).toHaveText("another site");
    // The refusal is the policy's: taken out of the refusals every test fails on, as this one provoked it.
    await expect
      .poll(() => cspViolations.filter((text) => /frame-ancestors 'none'/.test(text)).length)
      .toBeGreaterThan(0);
    cspViolations.splice(
      0,
      cspViolations.length,
      ...cspViolations.filter((text) => !/frame-ancestors/.test(text)),
    );
  } finally {
    framing.close();
  }
});

test("graphiql: its settings dialog and the schema's documentation open with nothing refused", async ({
  page,
}) => {
  await page.goto("/graphql");
  await expect(page.locator(".graphiql-query-editor")).toContainText("mutation CreateTask");

  await page.getByRole("button", { name: /Open settings dialog/i }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  // Introspection is on locally, as `npm run dev` has it: the documentation lists the schema's root types.
  await page.getByRole("button", { name: /Show Documentation Explorer/i }).click();
  await expect(page.locator(".graphiql-doc-explorer")).toContainText("Query");
});
