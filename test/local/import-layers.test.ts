/**
 * The local stack's imports flow one way. No file imports itself back through a circle, and in the QStash
 * emulator a lower folder never imports a higher one: `routes → publish → delivery → state` (the files at the
 * emulator's root, such as errors.ts, are below them all or compose them). Read from the import lines
 * themselves, so a new file is checked as soon as it exists.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const LOCAL = join(ROOT, "local");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The repository-relative files `file` imports or re-exports by a relative path (type-only imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/gms)];
  return specifiers.map((m) => relative(ROOT, `${resolve(dirname(file), m[1] ?? "")}.ts`));
}

const graph = new Map(sources(LOCAL).map((file) => [relative(ROOT, file), importsOf(file)]));

/** Every circle of imports, each as the files along it. */
function circles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      found.push([...path.slice(path.indexOf(file)), file]);
      return;
    }
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

const QSTASH_LAYERS = ["routes", "publish", "delivery", "state"];

/** The layer of a file of local/qstash: its index in QSTASH_LAYERS, or undefined at the emulator's root. */
function qstashLayer(file: string): number | undefined {
  const folder = /^local\/qstash\/([^/]+)\//.exec(file)?.[1];
  const index = folder === undefined ? -1 : QSTASH_LAYERS.indexOf(folder);
  return index === -1 ? undefined : index;
}

describe("local/ imports", () => {
  it("no circles", () => {
    expect(circles()).toEqual([]);
  });

  it("local/qstash: routes → publish → delivery → state, nothing back up", () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      const from = qstashLayer(file);
      if (from === undefined) continue;
      for (const target of imports) {
        const to = qstashLayer(target);
        if (to !== undefined && to < from) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
