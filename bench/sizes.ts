/**
 * `npm run bench:size`: the sizes that go stale in prose, measured on what was just built. The workers' scripts as
 * `npm run deploy:check` bundled them (.wrangler/dry-run/<worker>/index.js, the bytes `wrangler deploy` uploads),
 * and the static assets in web/dist as a browser receives them (Cloudflare compresses them on the way out).
 * `npm run deploy:check` prints it last.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Size {
  what: string;
  raw: number;
  gzip: number;
  brotli: number;
}

/** The files' bytes, raw and compressed one by one (as each is sent): gzip -9 and brotli at its best. */
export async function measure(what: string, files: readonly string[]): Promise<Size> {
  const size: Size = { what, raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const bytes = await readFile(file);
    size.raw += bytes.length;
    size.gzip += gzipSync(bytes, { level: 9 }).length;
    size.brotli += brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
    }).length;
  }
  return size;
}

export const WORKER_SCRIPTS = {
  "command worker script": [".wrangler/dry-run/command/index.js"],
  "projector worker script": [".wrangler/dry-run/projector/index.js"],
};

export const ASSETS = {
  "the app: index.html + app.js + style.css": [
    "web/dist/index.html",
    "web/dist/app.js",
    "web/dist/style.css",
  ],
  "GraphiQL: page + graphiql.js + style.css": [
    "web/dist/graphiql/index.html",
    "web/dist/graphiql/graphiql.js",
    "web/dist/graphiql/style.css",
  ],
};

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** One Markdown table of every group. */
export function renderSizes(sizes: readonly Size[]): string {
  return [
    "| what | raw | gzip | brotli |",
    "|---|---:|---:|---:|",
    ...sizes.map((s) => `| ${s.what} | ${kib(s.raw)} | ${kib(s.gzip)} | ${kib(s.brotli)} |`),
  ].join("\n");
}

async function main(): Promise<void> {
  const groups = { ...WORKER_SCRIPTS, ...ASSETS };
  const sizes: Size[] = [];
  for (const [what, files] of Object.entries(groups)) {
    sizes.push(
      await measure(
        what,
        files.map((f) => join(ROOT, f)),
      ).catch((err: unknown) => {
        throw new Error(
          `${what}: ${(err as Error).message} (build it first: npm run deploy:check bundles the workers, npm run build the assets)`,
        );
      }),
    );
  }
  console.log(renderSizes(sizes));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(`bench:size: ${(err as Error).message}`);
    process.exit(1);
  });
}
