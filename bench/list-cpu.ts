/**
 * A micro-benchmark of the command worker's own CPU per page of a list read, in process: `tasks(first: 500)` through
 * the app on the real adapters (built from its bindings, as in workerd), over a fake `fetch` whose Redis answers each
 * page's script with the states the projection holds, encoded as the fold encodes them. Three lists, as in the
 * bench's sealing scenario: a named list with a key (its texts sealed by the list's cipher, opened on the way out), a
 * named list without one (its words clear) and the default list. No I/O and no Redis: what is left is what the worker
 * spends on a page (the look's script call, decoding the states, opening the words, GraphQL, the JSON answer).
 * The sides run in alternating blocks after a warm-up (the isolate's caches warm: the list's key imported, the words
 * it opened kept); each figure is the median of the blocks' CPU time of this process per page.
 * Usage: `npx tsx bench/list-cpu.ts [pages per block] [blocks per side] [side]` (one side alone: for a profile, with
 * `node --cpu-prof --import tsx`).
 */

import { listCipher, mintDataKey } from "../shared/lists/cipher";
import { encodeState } from "../shared/projection/codec";
import { createCommandApp } from "../workers/command/app";
import { FAKE_BINDINGS, graphqlSender } from "./fake-upstash";
import { cpuPerCall, median } from "./measure";

const perBlock = Number(process.argv[2] ?? 20);
const blocks = Number(process.argv[3] ?? 15);

const PAGE = 500;
const TEXT = (n: number) => `Bench task ${n}`;
const NOW = new Date("2026-12-07T00:00:00.000Z").toISOString();
const unlimited = { limit: async () => ({ success: true }) };

type Side = "sealed" | "named" | "default";

/** The registry's entry of a named list as HGETALL answers it (`key` '' for a list without one). */
function entry(key: string): string[] {
  return ["view", "bench-view-id-000000000", "createdAt", NOW, "key", key];
}

/** The page script's read: checkpoints, `[id, score, ...]` of PAGE + 1 tasks and their states. */
async function pageRead(
  listId: string | undefined,
  seal?: (eventId: string, text: string) => Promise<string>,
) {
  const entries: string[] = [];
  const states: string[] = [];
  for (let n = 0; n <= PAGE; n++) {
    const id = crypto.randomUUID();
    const text = seal ? await seal(crypto.randomUUID(), TEXT(n)) : TEXT(n);
    entries.push(id, String(1_000_000 + n));
    const task = { id, text, done: n % 3 === 0, createdAt: NOW, updatedAt: NOW, version: 1 };
    states.push(encodeState({ status: "active", task: listId ? { ...task, listId } : task }));
  }
  return [["0", "2000"], entries, states];
}

const key = mintDataKey();
const cipher = listCipher(key);
const LISTS = { sealed: "bench-sealed-list-00000", named: "bench-named-list-000000" } as const;
const answers: Record<Side, unknown> = {
  sealed: [["edit", entry(key)], await pageRead(LISTS.sealed, cipher.seal)],
  named: [["edit", entry("")], await pageRead(LISTS.named)],
  default: await pageRead(undefined),
};

/** Which list's page a script call reads: a named list's look names its registry entry among its keys. */
function sideOf(command: unknown[]): Side {
  const keys = command.filter((part): part is string => typeof part === "string");
  if (keys.some((k) => k.endsWith(`list-meta:${LISTS.sealed}`))) return "sealed";
  if (keys.some((k) => k.endsWith(`list-meta:${LISTS.named}`))) return "named";
  return "default";
}

function redisAnswer(command: unknown[]): unknown {
  const name = String(command[0]).toLowerCase();
  if (name === "evalsha" || name === "eval") return answers[sideOf(command)];
  if (name === "get") return null;
  if (name === "hgetall") return [];
  throw new Error(`no fake answer for the Redis command ${JSON.stringify(command).slice(0, 200)}`);
}

/** Answers the Upstash REST requests of a page read without leaving the process. */
async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (url.origin !== FAKE_BINDINGS.UPSTASH_REDIS_REST_URL)
    throw new Error(`no fake answer for ${request.method} ${request.url}`);
  const body = JSON.parse(await request.text()) as unknown[];
  if (url.pathname === "/pipeline" || url.pathname === "/multi-exec")
    return Response.json((body as unknown[][]).map((command) => ({ result: redisAnswer(command) })));
  return Response.json({ result: redisAnswer(body) });
}

const QUERY = `query ($listId: String) { tasks(listId: $listId, first: ${PAGE}) {
  tasks { id text done version } nextCursor } }`;
const send = graphqlSender(createCommandApp(), {
  ...FAKE_BINDINGS,
  REQUEST_LIMITER: unlimited,
  MUTATION_LIMITER: unlimited,
});

/** Reads one page of `side`'s list and checks that it answered PAGE tasks with their words. */
async function readPage(side: Side): Promise<void> {
  const listId = side === "default" ? null : LISTS[side];
  const res = await send({ query: QUERY, variables: { listId } });
  const answer = JSON.parse(res.body) as {
    data?: { tasks: { tasks: Array<{ text: string }>; nextCursor: string | null } };
    errors?: unknown;
  };
  const tasks = answer.data?.tasks.tasks;
  if (!tasks || tasks.length !== PAGE || tasks[1]?.text !== TEXT(1) || !answer.data?.tasks.nextCursor)
    throw new Error(`the ${side} page answered ${JSON.stringify(answer).slice(0, 300)}`);
}

/** CPU ms per page of `n` pages of `side`. */
function block(side: Side, n: number): Promise<number> {
  return cpuPerCall(n, () => readPage(side));
}

globalThis.fetch = fakeFetch;
// The worker's log lines are built as in production (JSON.stringify) but not written: the console is not the worker's.
console.log = () => {};
const ALL: Side[] = ["sealed", "named", "default"];
const only = process.argv[4];
if (only !== undefined && !ALL.includes(only as Side)) throw new Error(`no side ${only}: ${ALL.join(", ")}`);
const sides = only === undefined ? ALL : [only as Side];
const times: Record<Side, number[]> = { sealed: [], named: [], default: [] };
for (const side of sides) await block(side, perBlock); // warm-up: JIT, the key imported, the words opened
for (let round = 0; round < blocks; round++) {
  const order = round % 2 ? [...sides].reverse() : sides;
  for (const side of order) times[side].push(await block(side, perBlock));
}
const ms = (x: number) => `${x.toFixed(2)} ms`;
const ratio = (a: Side, b: Side) => (median(times[a]) / median(times[b])).toFixed(2);
process.stdout.write(
  `tasks(first: ${PAGE}) CPU per page (median of ${blocks} blocks of ${perBlock}; min in brackets)\n` +
    sides.map((s) => `  ${s}: ${ms(median(times[s]))} (${ms(Math.min(...times[s]))})\n`).join("") +
    (sides.length < ALL.length
      ? ""
      : `  sealed ÷ default ${ratio("sealed", "default")}, sealed ÷ named ${ratio("sealed", "named")}, ` +
        `named ÷ default ${ratio("named", "default")}\n`),
);
