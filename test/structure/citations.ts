/**
 * `npm run check:citations`: every document the repository cites is in the repository.
 *
 * - A citation `docs/<page>.md` or `docs/<page>.md#<anchor>` in any source, test or documentation file must name
 *   a page that exists and, with an anchor, a heading of that page (GitHub's anchor rules).
 * - Every relative markdown link in a markdown file must name a file that exists and, for a markdown target with
 *   an anchor, one of its headings. Links to other sites are not fetched.
 * - The old citations of documents kept outside the repository (the design brief's numbered sections, the notes
 *   on Upstash's wire protocols) are refused wherever they appear.
 *
 * Run from the repository's root (or pass it): prints one line per problem and exits 1 if there is any.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface Problem {
  /** Path relative to the root, with `/` separators. */
  file: string;
  line: number;
  message: string;
}

export interface CheckResult {
  problems: Problem[];
  /** How many `docs/...md` citations and relative markdown links were checked. */
  checked: number;
}

/** Folders never scanned: dependencies, build output, local state, generated reports. */
const SKIPPED_DIRS = new Set([
  "node_modules",
  ".git",
  ".local",
  ".wrangler",
  "dist",
  "test-results",
  "playwright-report",
  "results",
]);
/** Generated files: large, and they cite nothing of ours. */
const SKIPPED_FILES = new Set(["package-lock.json", "worker-configuration.d.ts", "runtime.d.ts"]);
const SCANNED = /\.(ts|tsx|js|mjs|cjs|md|toml|json|html|css)$/;

/** The old forms, which named documents a clone of the repository does not have. */
const OLD_FORMS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\bDESIGN\s+(?:sections?\b|§)/, what: "a section of the design brief" },
  { pattern: /\bDESIGN\.md\b/, what: "the design brief" },
  { pattern: /\bprotocol\s+reference\b/i, what: "the notes on the Upstash protocols" },
  { pattern: /\bupstash-protocols\.md\b/, what: "the notes on the Upstash protocols" },
];

/** `docs/<page>.md` with an optional `#anchor`, not preceded by another path segment (`../` prefixes allowed). */
const CITATION = /(?<![\w./-])(?:\.\.\/)*docs\/(\w[\w./-]*?\.md)(?:#([\w-]*))?/g;
/** An inline markdown link or image: `[text](target)` or `[text](target "title")`. */
const MARKDOWN_LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** The anchor GitHub gives a heading: lowercase, punctuation removed, each space a hyphen. */
export function githubAnchor(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Lines of a markdown text with fenced code blocks blanked out (their `#` lines are not headings). */
function outsideFences(text: string): string[] {
  let fence: string | undefined;
  return text.split("\n").map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) {
      fence = marker;
      return "";
    }
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return "";
    }
    return line;
  });
}

/** Every anchor a markdown text's headings get, a repeated one numbered as GitHub numbers it (`-1`, `-2`). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of outsideFences(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = githubAnchor(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function scannedFiles(root: string, dir = root): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...scannedFiles(root, path));
    } else if (entry.isFile() && SCANNED.test(entry.name) && !SKIPPED_FILES.has(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/** Checks the files under `root` (the repository's root). */
export function checkCitations(root: string): CheckResult {
  const problems: Problem[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (path: string) => {
    let found = anchorsOf.get(path);
    if (found === undefined) {
      found = headingAnchors(readFileSync(path, "utf8"));
      anchorsOf.set(path, found);
    }
    return found;
  };
  /** The problem with a target file and anchor, or undefined when both resolve. */
  const resolveTarget = (path: string, anchor: string | undefined, shown: string): string | undefined => {
    if (!existsSync(path)) return `${shown}: no such file`;
    if (anchor === undefined || anchor === "" || !path.endsWith(".md") || statSync(path).isDirectory())
      return;
    if (!anchors(path).has(anchor)) return `${shown}: no heading with the anchor #${anchor}`;
  };
  let checked = 0;

  for (const path of scannedFiles(root)) {
    const file = relative(root, path).split(sep).join("/");
    const text = readFileSync(path, "utf8");
    const isMarkdown = file.endsWith(".md");
    const linkLines = isMarkdown ? outsideFences(text) : [];
    text.split("\n").forEach((line, i) => {
      const at = (message: string) => problems.push({ file, line: i + 1, message });
      for (const { pattern, what } of OLD_FORMS) {
        if (pattern.test(line))
          at(`cites ${what}, a document outside the repository; cite docs/<page>.md#<heading>`);
      }
      for (const match of line.matchAll(CITATION)) {
        checked++;
        const problem = resolveTarget(join(root, "docs", match[1] ?? ""), match[2], match[0]);
        if (problem !== undefined) at(problem);
      }
      const outside = linkLines[i];
      if (outside === undefined) return;
      for (const match of outside.replace(/`[^`]*`/g, "").matchAll(MARKDOWN_LINK)) {
        const target = match[1] ?? "";
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        checked++;
        const [pathPart = "", anchor] = target.split("#");
        const targetPath = pathPart === "" ? path : resolve(dirname(path), decodeURIComponent(pathPart));
        const problem = resolveTarget(targetPath, anchor, `link ${target}`);
        if (problem !== undefined) at(problem);
      }
    });
  }
  return { problems, checked };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? ".");
  const { problems, checked } = checkCitations(root);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
  console.log(`check-citations: ${checked} citations and links checked, ${problems.length} problems`);
  process.exit(problems.length === 0 ? 0 : 1);
}
