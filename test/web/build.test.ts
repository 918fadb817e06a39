/**
 * The assets build swaps its output in only when it differs from what the folder holds: a second build of the same
 * sources (a second test run in the same checkout) leaves the folder a running worker serves exactly as it was.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildWeb } from "../../web/build";

const parent = await mkdtemp(join(tmpdir(), "web-build-"));
const dist = join(parent, "dist");
afterAll(() => rm(parent, { recursive: true, force: true }));

describe("buildWeb", () => {
  it("keeps the folder when a build gives the same files, and swaps in one that differs", async () => {
    const files = await buildWeb(dist);
    expect(files.map((f) => f.file)).toContain("index.html");
    const first = (await stat(dist)).ino;

    expect(await buildWeb(dist)).toEqual(files);
    expect((await stat(dist)).ino).toBe(first);
    expect(await readdir(parent)).toEqual(["dist"]);

    await writeFile(join(dist, "stray.txt"), "not built");
    expect(await buildWeb(dist)).toEqual(files);
    expect((await stat(dist)).ino).not.toBe(first);
    expect(await readdir(dist)).not.toContain("stray.txt");
  }, 60_000);
});
