/**
 * The structure the code keeps: no import cycle between files, folders layered one way at every level (no import
 * from a lower folder back up into one that imports it), and no hand-written file in workers/ or shared/ over
 * 300 lines.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  arrowsWithin,
  cycles,
  folderGraph,
  importGraph,
  isGenerated,
  ROOT,
  sourceFiles,
} from "./import-graph";

const LAYERED = ["workers", "shared", "local"];
const SIZED = ["workers", "shared"];
const MAX_LINES = 300;

describe("structure", () => {
  const files = LAYERED.flatMap(sourceFiles);
  const graph = importGraph(files);

  it("imports: no cycle between files", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("imports: folders are layered one way at every level", () => {
    const folders = folderGraph(graph);
    const found = cycles(folders).map((nodes) => ({
      folders: nodes,
      imports: arrowsWithin(folders, nodes, graph),
    }));
    expect(found).toEqual([]);
  });

  it(`size: no hand-written file in ${SIZED.join(", ")} over ${MAX_LINES} lines`, () => {
    const long = SIZED.flatMap(sourceFiles)
      .filter((file) => !isGenerated(file))
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it("the checks see a cycle and a folder running back up (so a pass means something)", () => {
    const fake = new Map([
      ["a/x/one.ts", ["a/y/two.ts"]],
      ["a/y/two.ts", ["a/x/three.ts"]],
      ["a/x/three.ts", []],
    ]);
    expect(cycles(fake)).toEqual([]);
    expect(cycles(folderGraph(fake))).toEqual([["a/x", "a/y"]]);
    fake.set("a/x/three.ts", ["a/x/one.ts", "a/y/two.ts"]);
    expect(cycles(fake)).toEqual([["a/x/one.ts", "a/x/three.ts", "a/y/two.ts"]]);
  });
});
