/**
 * `fold-cpu.ts --workerd`: the same catch-up as fold-cpu.ts, in a worker, so that workerd's V8 runs it. A PUT
 * loads the backlog (`[{ key, value }]`) into an in-memory log; each GET folds all of it from offset 0 with the
 * Redis fold sink over a faked `fetch` (script calls answered "applied", state reads "absent") and answers the
 * events applied. Bundled from the checkout it is measured in (its relative imports are that checkout's).
 */
import { createMemoryLogs } from "../shared/event-log/memory/event-log";
import { createRedisFoldSink } from "../shared/projection/redis/fold-sink";
import { connectRedis } from "../shared/redis/client";
import { DEFAULT_BUDGET } from "../workers/projector/fold/budget";
import { catchUp } from "../workers/projector/fold/catch-up";

globalThis.fetch = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const body = typeof init?.body === "string" ? init.body : "";
  if (body.startsWith('[["evalsha"')) return new Response('[{"result":[1,0]}]');
  const [command] = JSON.parse(body) as string[][];
  return new Response(JSON.stringify([{ result: new Array((command?.length ?? 2) - 2).fill(null) }]));
};

const quiet = { info() {}, error() {}, with: () => quiet };
const lease = {
  claim: async () => ({ claimed: true as const, checkpoint: 0 }),
  finish: async () => "done" as const,
  drop: async () => {},
};
let log = createMemoryLogs().open("bench", { partitions: 1 });
let events = 0;

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method === "PUT") {
      const records = (await request.json()) as Array<{ key: string; value: string }>;
      log = createMemoryLogs().open("bench", { partitions: 1 });
      for (const r of records) await log.append(r.key, [r.value]);
      events = records.length;
      return new Response("loaded");
    }
    const redis = connectRedis({ url: "https://redis.invalid", token: "bench", timeoutMs: 60_000 });
    const store = createRedisFoldSink(redis, "bench");
    const budget = { ...DEFAULT_BUDGET, maxEvents: events + 1, maxMillis: 3_600_000, maxSubrequests: 10_000 };
    const result = await catchUp({ log, store, lease, logger: quiet, start: 0 }, budget);
    return new Response(String(result.partitions[0]?.applied ?? -1));
  },
};
