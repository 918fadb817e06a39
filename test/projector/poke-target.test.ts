/**
 * What the projector takes from a poke's body: the partition it routes to, the namespace it names, and for an
 * append's poke the record it was sent for (which lets a short read that reaches it end the fold). Anything it
 * cannot use is ignored, never an error: the body is a hint, and the fold always starts from its own checkpoint.
 */
import { describe, expect, test } from "vitest";
import { readPoke } from "../../workers/projector/poke-target";

describe("readPoke", () => {
  test.each([
    ["an append's poke", { partition: 1, offset: 41, reason: "append" }, { partition: 1, offset: 41 }],
    [
      "an append's poke of offset 0",
      { partition: 0, offset: 0, reason: "append" },
      { partition: 0, offset: 0 },
    ],
    [
      "a re-poke continuing a backlog (its offset is a checkpoint)",
      { partition: 1, offset: 41, reason: "continue" },
      undefined,
    ],
    ["a nudge", { partition: 1, offset: 41, reason: "nudge" }, undefined],
    ["no reason", { partition: 1, offset: 41 }, undefined],
    ["no partition", { offset: 41, reason: "append" }, undefined],
    ["a partition the log does not have", { partition: 4, offset: 41, reason: "append" }, undefined],
    ["a negative offset", { partition: 1, offset: -1, reason: "append" }, undefined],
    ["an offset that is no integer", { partition: 1, offset: 1.5, reason: "append" }, undefined],
    ["an offset past the safe integers", { partition: 1, offset: 2 ** 53, reason: "append" }, undefined],
    ["an offset as text", { partition: 1, offset: "41", reason: "append" }, undefined],
  ])("%s", (_, body, announced) => {
    const poke = readPoke(JSON.stringify(body), 4);
    expect(poke.announced).toEqual(announced);
  });

  test("a body that is no JSON object routes to every partition and announces nothing", () => {
    for (const body of ["", "[1]", "null", "not json"])
      expect(readPoke(body, 4)).toEqual({ target: "every" });
  });
});
