/**
 * The citation check (test/structure/citations.ts): a citation or link that does not resolve, and a citation of a
 * document outside the repository, are problems with their file and line; the repository itself has none.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkCitations, githubAnchor, headingAnchors } from "./citations";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A repository of the given files (path → text) in a folder of its own. */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "citations-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The docs folder, never spelled out with its slash here: this file is itself scanned when the repository is. */
const D = "docs";

const PAGE = "# A page\n\n## The fold\n\n### Fencing: the compare-and-set\n\n```sh\n# not a heading\n```\n";

describe("githubAnchor", () => {
  it.each([
    ["The fold", "the-fold"],
    ["Fencing: the checkpoint compare-and-set", "fencing-the-checkpoint-compare-and-set"],
    ["The consistency token (`after`)", "the-consistency-token-after"],
    ["The cron's sweep", "the-crons-sweep"],
    [
      "Step by step on Upstash's free tier, with Redis Streams",
      "step-by-step-on-upstashs-free-tier-with-redis-streams",
    ],
    ["A [linked](https://example.com) word", "a-linked-word"],
  ])("%s: %s", (heading, anchor) => {
    expect(githubAnchor(heading)).toBe(anchor);
  });
});

describe("headingAnchors", () => {
  it("headingAnchors: numbers a repeated heading and skips lines inside code fences", () => {
    expect([...headingAnchors(`${PAGE}\n## Sources\n\n## Sources\n`)]).toEqual([
      "a-page",
      "the-fold",
      "fencing-the-compare-and-set",
      "sources",
      "sources-1",
    ]);
  });
});

describe("checkCitations", () => {
  it("checkCitations: a fixture whose citations and links all resolve has no problem", () => {
    const root = repo({
      [`${D}/page.md`]: `${PAGE}\nSee [the fold](#the-fold) and [the front page](../README.md#run-it).\n`,
      "README.md": `# Front\n\n## Run it\n\n[Design](${D}/page.md#fencing-the-compare-and-set), [all](${D}/page.md)\n`,
      "shared/fold.ts": `/** Applied whole or not at all (${D}/page.md#the-fold). */\nexport {};\n`,
    });
    const { problems, checked } = checkCitations(root);
    expect(problems).toEqual([]);
    expect(checked).toBe(7);
  });

  it("checkCitations: a missing page, a missing anchor, a broken link and an old citation are each a problem", () => {
    const designSection = ["DESIGN", "section 4"].join(" ");
    const protocolReference = ["protocol", "reference C.8"].join(" ");
    const fenced = "```\n[in a fence](not-checked.md)\n```\n";
    const root = repo({
      [`${D}/page.md`]: `${PAGE}\n[gone](gone.md) and [elsewhere](#nowhere)\n\n${fenced}`,
      "README.md": `# Front\n\n[a page](${D}/page.md#no-such-heading) and \`[in code](not-checked.md)\`\n`,
      "shared/fold.ts": `/** See ${D}/missing.md and ${D}/page.md#the-folds. */\n// (${designSection})\nexport {};\n`,
      "local/signing.ts": `/** Signed as QStash signs (${protocolReference}). */\nexport {};\n`,
    });
    const noHeading = `${D}/page.md#no-such-heading: no heading with the anchor #no-such-heading`;
    expect(checkCitations(root).problems).toEqual(
      expect.arrayContaining([
        { file: `${D}/page.md`, line: 11, message: "link gone.md: no such file" },
        { file: `${D}/page.md`, line: 11, message: "link #nowhere: no heading with the anchor #nowhere" },
        { file: "README.md", line: 3, message: `link ${noHeading}` },
        { file: "README.md", line: 3, message: noHeading },
        { file: "shared/fold.ts", line: 1, message: `${D}/missing.md: no such file` },
        {
          file: "shared/fold.ts",
          line: 1,
          message: `${D}/page.md#the-folds: no heading with the anchor #the-folds`,
        },
        {
          file: "shared/fold.ts",
          line: 2,
          message: expect.stringMatching(/^cites a section of the design brief/),
        },
        {
          file: "local/signing.ts",
          line: 1,
          message: expect.stringMatching(/^cites the notes on the Upstash/),
        },
      ]),
    );
    expect(checkCitations(root).problems).toHaveLength(8);
  });

  it("checkCitations: the repository itself has no citation or link that does not resolve", () => {
    const { problems, checked } = checkCitations(resolve(__dirname, "../.."));
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});
