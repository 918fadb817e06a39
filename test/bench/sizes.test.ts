/** `npm run bench:size`: each group's bytes as stored and as sent compressed, in one table. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { measure, renderSizes } from "../../bench/sizes";

describe("bench:size", () => {
  it("measure: adds up the raw bytes of every file, and each file compressed on its own", async () => {
    const dir = await mkdtemp(join(tmpdir(), "todo-sizes-"));
    try {
      const files = [join(dir, "a.txt"), join(dir, "b.txt")];
      await writeFile(files[0] ?? "", "a".repeat(10_000));
      await writeFile(files[1] ?? "", "b".repeat(2_048));

      const size = await measure("two files", files);

      expect(size).toMatchObject({ what: "two files", raw: 12_048 });
      expect(size.gzip).toBeGreaterThan(0);
      expect(size.gzip).toBeLessThan(size.raw);
      expect(size.brotli).toBeGreaterThan(0);
      expect(size.brotli).toBeLessThan(size.raw);
      expect(renderSizes([size, { what: "none", raw: 1536, gzip: 512, brotli: 0 }])).toBe(
        [
          "| what | raw | gzip | brotli |",
          "|---|---:|---:|---:|",
          `| two files | 11.8 KiB | ${(size.gzip / 1024).toFixed(1)} KiB | ${(size.brotli / 1024).toFixed(1)} KiB |`,
          "| none | 1.5 KiB | 0.5 KiB | 0.0 KiB |",
        ].join("\n"),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
