/**
 * Durable committed offsets: one small JSON file per consumer group under `dataDir/@groups/` (a name no
 * topic folder can have, since "@" is illegal in topic names), replaced atomically on every commit.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../log/atomic-file";
import { type TopicPartitionOffset, tpKey } from "./types";

const GROUPS_FOLDER = "@groups";

interface GroupFile {
  group: string;
  offsets: TopicPartitionOffset[];
}

function fileNameFor(group: string): string {
  const encoded = encodeURIComponent(group);
  // File names are limited to 255 bytes; long ids fall back to a hash (the id itself is inside the file).
  return encoded.length <= 200
    ? `${encoded}.json`
    : `sha256-${createHash("sha256").update(group).digest("hex")}.json`;
}

function parseGroupFile(text: string): GroupFile | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<GroupFile>;
    if (typeof parsed.group !== "string" || !Array.isArray(parsed.offsets)) return undefined;
    return { group: parsed.group, offsets: parsed.offsets };
  } catch {
    return undefined;
  }
}

export class GroupOffsetStore {
  private readonly writes = new Map<string, Promise<void>>();

  private constructor(private readonly dir: string) {}

  /** Opens the store and returns every group's committed offsets (group → tpKey → offset). */
  static async open(
    dataDir: string,
  ): Promise<{ store: GroupOffsetStore; committed: Map<string, Map<string, number>> }> {
    const dir = join(dataDir, GROUPS_FOLDER);
    await mkdir(dir, { recursive: true });
    const committed = new Map<string, Map<string, number>>();
    for (const name of await readdir(dir)) {
      if (!name.endsWith(".json")) continue;
      const file = parseGroupFile(await readFile(join(dir, name), "utf8"));
      if (!file) throw new Error(`${join(dir, name)} is not a committed-offsets file`);
      committed.set(file.group, new Map(file.offsets.map((o) => [tpKey(o.topic, o.partition), o.offset])));
    }
    return { store: new GroupOffsetStore(dir), committed };
  }

  /**
   * Persists `snapshot()` for `group`. Writes of one group run one after another and each takes its snapshot
   * when it starts, so the file always ends with the newest state and each caller's commit is covered.
   */
  save(group: string, snapshot: () => TopicPartitionOffset[]): Promise<void> {
    const previous = this.writes.get(group) ?? Promise.resolve();
    const write = previous
      .catch(() => undefined)
      .then(() => {
        const body: GroupFile = { group, offsets: snapshot() };
        return writeFileAtomic(join(this.dir, fileNameFor(group)), `${JSON.stringify(body)}\n`);
      });
    this.writes.set(group, write);
    return write;
  }

  /** Waits for every pending write. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }
}
