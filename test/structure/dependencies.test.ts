/**
 * The runtime dependencies are exactly the packages the workers import: what is deployed is what package.json calls
 * a dependency, and a package only a benchmark or a test uses (a baseline server, a test client) stays a
 * devDependency, out of a production install.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT, sourceFiles } from "./import-graph";

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("node:") || specifier.startsWith("cloudflare:"))
    return;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Dependencies nothing deployed imports, each with why it is still one. `@upstash/kafka` drives the Kafka emulator's
 * contract tests only; it is listed here until it moves to devDependencies.
 */
const NOT_DEPLOYED = ["@upstash/kafka"];

describe("dependencies", () => {
  it("package.json: its dependencies are the packages workers/ and shared/ import, and no other", () => {
    const imported = new Set<string>();
    for (const file of ["workers", "shared"].flatMap(sourceFiles)) {
      const info = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
      for (const ref of info.importedFiles) {
        const name = packageOf(ref.fileName);
        if (name !== undefined) imported.add(name);
      }
    }
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual([...imported, ...NOT_DEPLOYED].sort());
  });
});
