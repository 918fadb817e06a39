/**
 * Round trips, counted by the emulators (they do not drift). For a mutation, the counters are reset, the next
 * QStash publish to the pair's projector is held for PUBLISH_DELAY_MS and its delivery for DELIVERY_DELAY_MS more
 * (so the projector cannot start before the answer), and the counters are read the moment the answer arrives:
 * Redis and Kafka requests counted then were made before the answer (the critical path); the QStash publish
 * (counted on arrival) was on the critical path only if the answer waited for the held publish, i.e. took at
 * least PUBLISH_DELAY_MS. Ours' writer records each acknowledged write for the next writer in the background (the
 * commit script): it is held PUBLISH_DELAY_MS as well, and counted on the critical path only if the answer waited
 * for it. So is ours' read of the live pointer, which a request whose isolate holds a copy a few seconds old sends
 * beside its own requests rather than before them (shared/rebuild/namespace.ts): counted on the critical path only
 * if the answer waited for it, for a mutation as for a list. Then the bench waits until QStash has delivered the poke
 * and the projector has finished: the command worker's total adds its publish, the end-to-end total the projector's
 * requests too.
 */
import { createHash } from "node:crypto";
import { COMMIT } from "../../shared/write-guard/redis/scripts";
import { buildBacklog, produceBacklog } from "../backlog";
import { createTask, deleteTask, listTasks, type TaskView, updateTask } from "../client";
import {
  delayDelivery,
  delayQStash,
  delayRedis,
  deliveries,
  logHead,
  pendingRedisMarkers,
  qstashIdle,
  quiesce,
  type RequestCounts,
  readCounts,
  resetCounts,
  takePendingQStashFaults,
  wakeToHead,
} from "../emulators";
import { timed, until } from "../measure";
import type { BenchStack, DesignPair } from "../system";

const PUBLISH_DELAY_MS = 300;
const DELIVERY_DELAY_MS = 200;
/** How ours' commit script is called (EVALSHA of its SHA-1): the marker of the request to hold. */
const COMMIT_SHA = createHash("sha1").update(COMMIT).digest("hex");

export interface MutationTrips {
  /** Requests made before the answer. */
  critical: number;
  /** Every request the command worker made for it (critical path + what it sent after answering). */
  commandTotal: number;
  /** Everything until the projection had it: the command worker's and the projector's requests. */
  withProjection: number;
  /** How long the answer took while the publish was held for PUBLISH_DELAY_MS. */
  answeredMs: number;
  publishOnCriticalPath: boolean;
  /** Ours: the commit was sent, but the answer did not wait for it (it is not counted in `critical`). */
  commitOffCriticalPath: boolean;
  /** Ours: the live pointer was read beside the request, and the answer did not wait for it (not in `critical`). */
  pointerOffCriticalPath: boolean;
  /** Per endpoint, end to end. */
  endpoints: Record<string, number>;
}

export interface RoundTrips {
  create: MutationTrips;
  update: MutationTrips;
  delete: MutationTrips;
  list: number;
  listEndpoints: Record<string, number>;
  /** Requests per additional fold batch of 500 events (from folding 1 and 3 batches). */
  foldBatch: number;
  /** Requests per projector invocation beyond its batches. */
  foldInvocationOverhead: number;
}

async function mutation(
  stack: BenchStack,
  pair: DesignPair,
  op: () => Promise<unknown>,
): Promise<MutationTrips> {
  await quiesce(stack, pair);
  const path = `/v2/publish/${pair.webhook}`;
  await delayQStash(stack, path, PUBLISH_DELAY_MS);
  await delayDelivery(stack, pair.webhook, DELIVERY_DELAY_MS);
  const holdsCommit = pair.design === "ours";
  const pointer = pointerMarker(pair);
  if (holdsCommit) {
    await delayRedis(stack, COMMIT_SHA, PUBLISH_DELAY_MS);
    await delayRedis(stack, pointer, PUBLISH_DELAY_MS);
  }
  const delivered = (await deliveries(stack)).successes;
  await resetCounts(stack);
  const { ms } = await timed(op);
  const atAnswer: RequestCounts = await readCounts(stack);
  const pendingAtAnswer = holdsCommit ? await pendingRedisMarkers(stack) : [];
  const commitArrived = holdsCommit && !pendingAtAnswer.includes(COMMIT_SHA);
  // Its fault is consumed before the answer only by the command worker: the projector starts after the delivery.
  const pointerOffCriticalPath = holdsCommit && !pendingAtAnswer.includes(pointer) && ms < PUBLISH_DELAY_MS;
  await until("the poke's delivery", async () =>
    (await deliveries(stack)).successes > delivered ? true : undefined,
  );
  await qstashIdle(stack);
  const after = await readCounts(stack);
  const commitSent = holdsCommit && !(await pendingRedisMarkers(stack, true)).includes(COMMIT_SHA);
  if ((await takePendingQStashFaults(stack)) > 0) {
    throw new Error(
      `${pair.design}: no publish to ${path} was held; the method needs the exact publish path`,
    );
  }
  const publishOnCriticalPath = ms >= PUBLISH_DELAY_MS;
  const commitOffCriticalPath = commitSent && ms < PUBLISH_DELAY_MS;
  // A commit sent before the answer is in its counts; one sent after it is in the command worker's total only.
  const commitLate = commitSent && !commitArrived ? 1 : 0;
  const critical =
    atAnswer.redis +
    atAnswer.kafka -
    (commitArrived && commitOffCriticalPath ? 1 : 0) -
    (pointerOffCriticalPath ? 1 : 0);
  return {
    critical: critical + (publishOnCriticalPath ? atAnswer.qstash : 0),
    commandTotal: atAnswer.redis + atAnswer.kafka + commitLate + after.qstash,
    withProjection: after.total,
    answeredMs: Math.round(ms),
    publishOnCriticalPath,
    commitOffCriticalPath,
    pointerOffCriticalPath,
    endpoints: after.endpoints,
  };
}

/** What only ours' read of the live pointer carries: the pointer's key, quoted as in the request's JSON body. */
const pointerMarker = (pair: DesignPair) => `"${pair.prefix}:live"`;

/** Requests to fold `events` backlog records that nothing has projected yet, woken as in the fold scenario. */
async function foldRequests(stack: BenchStack, pair: DesignPair, events: number): Promise<number> {
  await quiesce(stack, pair);
  await produceBacklog(pair, buildBacklog(pair.design, { events }, "round-trips"));
  const head = await logHead(pair);
  await resetCounts(stack);
  await wakeToHead(pair, head);
  await qstashIdle(stack);
  return (await readCounts(stack)).total;
}

/** Runs each operation once, unmeasured: the first call of a Redis script after a start costs a NOSCRIPT + EVAL. */
async function warmUp(stack: BenchStack, pair: DesignPair): Promise<void> {
  const task = await createTask(pair, "Warm-up");
  await quiesce(stack, pair);
  await updateTask(pair, { ...task, done: true });
  await quiesce(stack, pair);
  await deleteTask(pair, task.id);
  await quiesce(stack, pair);
  await listTasks(pair);
}

export async function measureRoundTrips(stack: BenchStack, pair: DesignPair): Promise<RoundTrips> {
  await warmUp(stack, pair);
  let task: TaskView | undefined;
  const create = await mutation(stack, pair, async () => {
    task = await createTask(pair, "Round trips");
  });
  if (!task) throw new Error("createTask answered no task");
  const created = task;
  const update = await mutation(stack, pair, () => updateTask(pair, { ...created, done: true }));
  const del = await mutation(stack, pair, () => deleteTask(pair, created.id));

  await quiesce(stack, pair);
  const ours = pair.design === "ours";
  if (ours) await delayRedis(stack, pointerMarker(pair), PUBLISH_DELAY_MS);
  await resetCounts(stack);
  const { ms: listMs } = await timed(() => listTasks(pair));
  const listed = await readCounts(stack);
  // The pointer read beside the list (its fault consumed, the answer quicker than its delay) is no round trip of it.
  const pointerBeside =
    ours &&
    !(await pendingRedisMarkers(stack, true)).includes(pointerMarker(pair)) &&
    listMs < PUBLISH_DELAY_MS;

  const one = await foldRequests(stack, pair, 500);
  const three = await foldRequests(stack, pair, 1500);
  const foldBatch = (three - one) / 2;
  return {
    create,
    update,
    delete: del,
    list: listed.total - (pointerBeside ? 1 : 0),
    listEndpoints: listed.endpoints,
    foldBatch,
    foldInvocationOverhead: one - foldBatch,
  };
}
