/**
 * A micro-benchmark of the fold's own work in process, on sealed and clear backlogs: decoding records, folding
 * them into batches, and encoding each batch as the Redis fold sink sends it (its payload and the REST body the
 * Upstash client writes), with Redis faked away. It isolates what a sealed record costs the projector's CPU from
 * the network and Redis, which the sealing scenario of `npm run bench` measures with them.
 * Times are the process's CPU time (the machine may be busy), the median and the least of `rounds` folds per side.
 * Usage: `npx tsx bench/fold-codec.ts [events] [rounds]`.
 */
import { parseSealed, sealedRef } from "../shared/domain";
import { mintDataKey } from "../shared/lists/cipher";
import { DEFAULT_BATCH_BYTES, decodeRecords, foldBatch } from "../shared/projection/fold";
import { createRedisFoldSink } from "../shared/projection/redis/fold-sink";
import type { RedisClient } from "../shared/redis/client";
import { type BacklogRecord, buildBacklog, buildSealedBacklog } from "./backlog";

const events = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 15);

const utf8 = new TextEncoder();

/**
 * A client whose script calls only serialise their request body, as the Upstash client does, encode it in UTF-8,
 * as fetch sends it, and succeed.
 */
function fakeClient(): { client: RedisClient; bytes: () => number } {
  let bytes = 0;
  const createScript = () => ({
    async exec(keys: string[], args: string[]) {
      bytes += utf8.encode(JSON.stringify(["evalsha", "0".repeat(40), keys.length, ...keys, ...args])).length;
      return [1, args[2]];
    },
  });
  const redis = { createScript } as unknown as RedisClient["redis"];
  return { client: { redis, timeoutMs: 1000, call: (_what, fn) => fn() }, bytes: () => bytes };
}

/**
 * Decodes, folds and encodes every record of `records`, batch by batch as the projector does; `refs` rewrites each
 * sealed reference after decoding (to compare the reference's forms on the same records).
 */
async function foldAll(
  records: BacklogRecord[],
  refs?: (eventId: string, payload: string) => string,
): Promise<number> {
  const { client, bytes } = fakeClient();
  const sink = createRedisFoldSink(client, "bench");
  const logRecords = records.map((r, offset) => ({
    partition: 0,
    offset,
    key: r.key,
    value: r.value,
    timestamp: offset,
  }));
  const decoded = decodeRecords(logRecords, 1).map((item) => {
    const event = item.event;
    if (!refs || !event || !("text" in event.data)) return item;
    const sealed = parseSealed(event.data.text);
    if (!sealed) return item;
    const text = refs(sealed.eventId, sealed.payload);
    return { ...item, event: { ...event, data: { ...event.data, text } } as typeof event };
  });
  const states = new Map();
  let from = 0;
  while (from < decoded.length) {
    const batch = foldBatch(0, from, decoded.slice(from), states, DEFAULT_BATCH_BYTES);
    await sink.applyBatch(batch, 1);
    from = batch.to;
  }
  return bytes();
}

const shape = { events, updateEvery: 5 };
const list = { id: "benchListIdAAAAAAAAAAA", key: mintDataKey() };
const sealed = await buildSealedBacklog(shape, "fold", list);
const backlogs = {
  sealed,
  named: buildBacklog("ours", shape, "fold", "benchNamedIdAAAAAAAAAA"),
  clear: buildBacklog("ours", shape, "fold"),
  // The same sealed records, their references in the form the projection held before (U+0091 and the event id's
  // 36 characters, kept whole in the history entry too).
  "sealed, U+0091 refs": sealed,
};
type Side = keyof typeof backlogs;
const sides = Object.keys(backlogs) as Side[];
const times: Record<Side, number[]> = { sealed: [], named: [], clear: [], "sealed, U+0091 refs": [] };
const sent: Record<Side, number> = { sealed: 0, named: 0, clear: 0, "sealed, U+0091 refs": 0 };
/** Both sealed sides rewrite their references, so that both pay for the rewrite. */
const rewrite: Partial<Record<Side, (eventId: string, payload: string) => string>> = {
  sealed: sealedRef,
  "sealed, U+0091 refs": (eventId, payload) => `\u0091${eventId}${payload}`,
};
for (let round = 0; round < rounds + 3; round++) {
  for (const side of round % 2 ? [...sides].reverse() : sides) {
    const start = process.cpuUsage();
    sent[side] = await foldAll(backlogs[side], rewrite[side]);
    const used = process.cpuUsage(start);
    // The first rounds warm the JIT up and are not counted.
    if (round >= 3) times[side].push((used.user + used.system) / 1000);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
const least = (v: number[]) => Math.min(...v);
const perEvent = (ms: number) => `${((ms * 1000) / events).toFixed(2)} µs`;
for (const side of sides) {
  console.log(
    `${side.padEnd(16)} CPU per event: median ${perEvent(median(times[side]))}, least ${perEvent(least(times[side]))}; ` +
      `${(sent[side] / events).toFixed(0)} request bytes/event`,
  );
}
for (const other of ["clear", "named", "sealed, U+0091 refs"] as const) {
  const ratio = (pick: (v: number[]) => number) => (pick(times.sealed) / pick(times[other])).toFixed(2);
  console.log(`sealed ÷ ${other} CPU: median ${ratio(median)}, least ${ratio(least)}`);
}
