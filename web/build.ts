/**
 * Builds the command worker's static assets into web/dist: the to-do app (TypeScript, bundled with its CSS and
 * todomvc-app-css), and GraphiQL bundled from the `graphiql` package with React, so no page needs a CDN.
 * Offline and deterministic: fixed file names, no timestamps, inputs only from the repository and node_modules.
 * Run by `npm run build` (and before `npm run dev`, `npm run deploy:check` and the tests).
 */
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { Hono } from "hono";
import {
  CONTENT_SECURITY_POLICY,
  GRAPHIQL_CONTENT_SECURITY_POLICY,
  type Policy,
  securityHeaders,
} from "../shared/http/security-headers";

const here = dirname(fileURLToPath(import.meta.url));
/** Where the assets go: `[assets] directory` in wrangler.command.toml, and what the test harness serves. */
export const WEB_DIST = resolve(here, "dist");

const common = {
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  charset: "utf8",
  legalComments: "eof",
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
} as const;

/**
 * GraphiQL's stylesheet inlines its web fonts (Roboto and Fira Code as data URLs): 360 KB of its 409 KB, and they
 * barely compress. Without them GraphiQL falls back to the system's sans-serif and monospace fonts.
 */
const withoutWebFonts: Plugin = {
  name: "graphiql-without-web-fonts",
  setup(b) {
    b.onLoad({ filter: /graphiql[\\/]graphiql\.css$/ }, async (args) => ({
      contents: (await readFile(args.path, "utf8")).replace(/@font-face\s*\{[^}]*\}/g, ""),
      loader: "css",
    }));
  },
};

/**
 * The assets' `_headers` file (Workers static assets apply it to every asset they answer, through the ASSETS binding
 * too; `wrangler dev` and Miniflare as well): the headers the workers' own middleware sets, taken from that
 * middleware, so the two cannot drift apart. GraphiQL's files get its own policy instead of the strict one.
 */
export async function headersFile(): Promise<string> {
  const headersOf = async (policy: Partial<Policy>) => {
    const res = await new Hono()
      .use(securityHeaders(policy))
      .get("*", (c) => c.body(null))
      .request("/");
    const headers: Array<[string, string]> = [];
    res.headers.forEach((value, name) => {
      headers.push([name, value]);
    });
    return headers;
  };
  const graphiqlPolicy = (await headersOf(GRAPHIQL_CONTENT_SECURITY_POLICY)).find(
    ([name]) => name === "content-security-policy",
  );
  return [
    "# Written by web/build.ts from shared/http/security-headers.ts.",
    "/*",
    ...(await headersOf(CONTENT_SECURITY_POLICY)).map(([name, value]) => `  ${name}: ${value}`),
    "/graphiql/*",
    "  ! content-security-policy",
    `  content-security-policy: ${graphiqlPolicy?.[1] ?? ""}`,
    "",
  ].join("\n");
}

/**
 * Builds everything into a folder of its own, then swaps it in, so a worker serving web/dist (a test run, `wrangler
 * dev`) never sees it half written. A build identical to what `dist` holds (the build is deterministic: the same
 * sources give the same bytes) is dropped and the folder kept: a worker started on it keeps a handle on the folder,
 * and swapping it out from under a running test system (a second test run in the same checkout) would fail every
 * page it serves from then on. Answers each file's path and size, for the record.
 */
export async function buildWeb(dist = WEB_DIST): Promise<Array<{ file: string; bytes: number }>> {
  const out = `${dist}.${process.pid}.tmp`;
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await cp(join(here, "static"), out, { recursive: true });
  await writeFile(join(out, "_headers"), await headersFile());
  await build({
    ...common,
    outdir: out,
    entryPoints: { app: join(here, "app", "main.ts"), style: join(here, "app", "style.css") },
  });
  await build({
    ...common,
    outdir: out,
    entryPoints: {
      "graphiql/graphiql": join(here, "graphiql", "main.js"),
      "graphiql/style": join(here, "graphiql", "style.css"),
    },
    plugins: [withoutWebFonts],
  });
  if (await sameFiles(out, dist)) await rm(out, { recursive: true, force: true });
  else {
    await rm(dist, { recursive: true, force: true });
    await rename(out, dist);
  }
  return listFiles(dist, dist);
}

/** Whether two folders hold the same files with the same bytes (false when `b` does not exist). */
async function sameFiles(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([listFiles(a, a), listFiles(b, b).catch(() => undefined)]);
  if (!right || left.length !== right.length) return false;
  for (const [i, { file }] of left.entries()) {
    if (right[i]?.file !== file) return false;
    const [x, y] = await Promise.all([readFile(join(a, file)), readFile(join(b, file))]);
    if (!x.equals(y)) return false;
  }
  return true;
}

async function listFiles(dir: string, root: string): Promise<Array<{ file: string; bytes: number }>> {
  const out: Array<{ file: string; bytes: number }> = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const info = await stat(path);
    if (info.isDirectory()) out.push(...(await listFiles(path, root)));
    else out.push({ file: relative(root, path), bytes: info.size });
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildWeb();
  for (const { file, bytes } of files) console.log(`web/dist/${file}  ${bytes} B`);
}
