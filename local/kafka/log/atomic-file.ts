/** Durable small-file writes: a reader after a crash sees the old content or the new, never a mix. */
import { open, rename } from "node:fs/promises";
import { dirname } from "node:path";

/** Makes the directory entries of `dir` (files created, renamed or removed in it) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `content` to a temporary file, fsyncs it, renames it over `path` and fsyncs the directory. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, "w");
  try {
    await handle.writeFile(content, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  await fsyncDirectory(dirname(path));
}
