/**
 * Requests per operation for the capacity and cost model, counted by the emulators and, for Redis commands, by
 * the counting proxy the workers talk to. Each operation runs alone on a quiet system. For a mutation the poke's
 * delivery is held until the command worker's publish has been counted, so that the command worker's requests
 * (its subrequests) and the projector's are told apart; then the bench waits until QStash has delivered it and
 * the projector has answered. Folds are counted as in the round-trip scenario: backlogs of one and three batches,
 * woken once; the difference, per event, is what folding costs (a batch of large tasks splits on its bytes limit,
 * so per event is the unit that holds).
 */
import { buildBacklog, produceBacklog } from "../backlog";
import { createTask, deleteTask, graphql, listTasks, poke, type TaskView, updateTask } from "../client";
import { cpuSince, readCpu } from "../cpu";
import {
  delayDelivery,
  deliveries,
  logHead,
  qstashIdle,
  quiesce,
  type RequestCounts,
  readCounts,
  resetCounts,
  wakeToHead,
} from "../emulators";
import { until } from "../measure";
import type { RedisCounter, RedisTally } from "../model/redis-counter";
import type { BenchStack, DesignPair } from "../system";

const HOLD_DELIVERY_MS = 300;

/** What one worker invocation sent out: HTTP subrequests per service. */
export interface Subrequests {
  redis: number;
  kafka: number;
  qstash: number;
  total: number;
}

export interface OpCount {
  /** Redis REST requests and the commands they carried, end to end (command worker + projector). */
  redisRequests: number;
  redisCommands: number;
  redisByName: Record<string, number>;
  redisBytes: number;
  largestRedisRequestBytes: number;
  /** Log requests per endpoint (Upstash Kafka REST), end to end. */
  kafka: Record<string, number>;
  kafkaRequests: number;
  /** QStash publishes (messages) and deliveries (projector invocations through QStash). */
  qstashPublishes: number;
  deliveries: number;
  /** Subrequests of the command worker's invocation, and of all projector invocations together. */
  command: Subrequests;
  projector: Subrequests;
  /** CPU ms of the workerd processes per operation, from a block of them (local, an upper bound for Workers CPU). */
  workerdCpuMs?: number;
}

export interface FoldRequests {
  redisRequests: number;
  redisCommands: number;
  kafkaRequests: number;
  /** The projector's subrequests: Redis and log requests. */
  subrequests: number;
}

export interface FoldCount {
  /** The projector's default records per batch (a batch may split further on its bytes limit). */
  batchEvents: number;
  /** Per folded event, from the difference between folding three batches' worth of events and one. */
  perEvent: FoldRequests;
  /** Per invocation beyond its events. */
  perInvocation: FoldRequests;
  /** Projector invocations it took to fold three batches' worth. */
  invocationsForThree: number;
  largestRedisRequestBytes: number;
}

export interface DesignCounts {
  create: OpCount;
  update: OpCount;
  delete: OpCount;
  list: OpCount;
  task: OpCount | null;
  fold: FoldCount;
  /** Tasks the projection held when `list` was counted. */
  listedTasks: number;
  /** Mean size of one log record (the event as stored) for a task of the workload's size. */
  recordBytes: number;
}

interface Snapshot {
  counts: RequestCounts;
  redis: RedisTally;
}

async function snapshot(stack: BenchStack, counter: RedisCounter): Promise<Snapshot> {
  return { counts: await readCounts(stack), redis: counter.read() };
}

function subrequests(from: Snapshot | undefined, to: Snapshot): Subrequests {
  const redis = to.redis.requests - (from?.redis.requests ?? 0);
  const kafka = to.counts.kafka - (from?.counts.kafka ?? 0);
  const qstash = to.counts.qstash - (from?.counts.qstash ?? 0);
  return { redis, kafka, qstash, total: redis + kafka + qstash };
}

function opCount(atCommand: Snapshot, after: Snapshot, delivered: number): OpCount {
  const kafka: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(after.counts.endpoints)) {
    if (endpoint.startsWith("kafka ")) kafka[endpoint.slice("kafka ".length)] = n;
  }
  return {
    redisRequests: after.redis.requests,
    redisCommands: after.redis.commands,
    redisByName: after.redis.byName,
    redisBytes: after.redis.requestBytes + after.redis.responseBytes,
    largestRedisRequestBytes: after.redis.largestRequestBytes,
    kafka,
    kafkaRequests: after.counts.kafka,
    qstashPublishes: after.counts.qstash,
    deliveries: delivered,
    command: subrequests(undefined, atCommand),
    projector: subrequests(atCommand, after),
  };
}

function reset(stack: BenchStack, counter: RedisCounter): Promise<void> {
  counter.reset();
  return resetCounts(stack);
}

/** What an operation is counted on: the stack's counters and the Redis pass-through of one design's pair. */
interface Counting {
  stack: BenchStack;
  pair: DesignPair;
  counter: RedisCounter;
}

/** A mutation: its publish is awaited (held delivery), then its delivery and the projector's answer. */
async function mutation({ stack, pair, counter }: Counting, op: () => Promise<unknown>): Promise<OpCount> {
  await quiesce(stack, pair);
  await delayDelivery(stack, pair.webhook, HOLD_DELIVERY_MS);
  const before = (await deliveries(stack)).successes;
  await reset(stack, counter);
  await op();
  await until("the command worker's publish", async () =>
    (await readCounts(stack)).qstash > 0 ? true : undefined,
  );
  const atCommand = await snapshot(stack, counter);
  await until("the poke's delivery", async () =>
    (await deliveries(stack)).successes > before ? true : undefined,
  );
  await qstashIdle(stack);
  const after = await snapshot(stack, counter);
  const delivered = (await deliveries(stack)).successes - before;
  return opCount(atCommand, after, delivered);
}

/** A read: only its own requests, once the pair is quiet. */
async function read({ stack, pair, counter }: Counting, op: () => Promise<unknown>): Promise<OpCount> {
  await quiesce(stack, pair);
  await reset(stack, counter);
  await op();
  const after = await snapshot(stack, counter);
  return opCount(after, after, 0);
}

interface FoldRun {
  redisRequests: number;
  redisCommands: number;
  kafkaRequests: number;
  invocations: number;
  largest: number;
}

/** Folds a backlog of `events` records nothing has projected yet, woken as the fold scenario wakes it. */
async function foldRun(
  stack: BenchStack,
  pair: DesignPair,
  counter: RedisCounter,
  events: number,
  label: string,
): Promise<FoldRun> {
  await quiesce(stack, pair);
  await produceBacklog(pair, buildBacklog(pair.design, { events, updateEvery: 5 }, label));
  const head = await logHead(pair);
  const before = (await deliveries(stack)).successes;
  await reset(stack, counter);
  const invocations = await wakeToHead(pair, head);
  await qstashIdle(stack);
  const counts = await readCounts(stack);
  const redis = counter.read();
  return {
    redisRequests: redis.requests,
    redisCommands: redis.commands,
    kafkaRequests: counts.kafka,
    invocations: invocations + (await deliveries(stack)).successes - before,
    largest: redis.largestRequestBytes,
  };
}

const BATCH = 500;

async function fold(
  stack: BenchStack,
  pair: DesignPair,
  counter: RedisCounter,
  label: string,
): Promise<FoldCount> {
  const one = await foldRun(stack, pair, counter, BATCH, label);
  const three = await foldRun(stack, pair, counter, 3 * BATCH, label);
  const per = (k: "redisRequests" | "redisCommands" | "kafkaRequests") => (three[k] - one[k]) / (2 * BATCH);
  const perEvent: FoldRequests = {
    redisRequests: per("redisRequests"),
    redisCommands: per("redisCommands"),
    kafkaRequests: per("kafkaRequests"),
    subrequests: per("redisRequests") + per("kafkaRequests"),
  };
  const beyond = (k: keyof FoldRequests, measured: number) => measured - BATCH * perEvent[k];
  return {
    batchEvents: BATCH,
    perEvent,
    perInvocation: {
      redisRequests: beyond("redisRequests", one.redisRequests),
      redisCommands: beyond("redisCommands", one.redisCommands),
      kafkaRequests: beyond("kafkaRequests", one.kafkaRequests),
      subrequests: beyond("subrequests", one.redisRequests + one.kafkaRequests),
    },
    invocationsForThree: three.invocations,
    largestRedisRequestBytes: Math.max(one.largest, three.largest),
  };
}

/**
 * CPU of the workerd processes per write (both workers, the projection included) and per list, over blocks of
 * `lifecycles` create → complete → delete: /proc counts in 10 ms ticks, too coarse for one operation.
 */
async function cpuPerOp(
  stack: BenchStack,
  pair: DesignPair,
  text: string,
  lifecycles: number,
): Promise<{ write?: number; list?: number }> {
  await quiesce(stack, pair);
  const before = readCpu();
  for (let i = 0; i < lifecycles; i++) {
    const task = await createTask(pair, text);
    await updateTask(pair, { ...task, done: true });
    await deleteTask(pair, task.id);
  }
  await quiesce(stack, pair);
  const writes = cpuSince(before);
  const listBefore = readCpu();
  for (let i = 0; i < lifecycles; i++) await listTasks(pair);
  const lists = cpuSince(listBefore);
  return {
    ...(writes && { write: writes.workerd / (3 * lifecycles) }),
    ...(lists && { list: lists.workerd / lifecycles }),
  };
}

const CPU_LIFECYCLES = 30;

const TASK = "query ($id: String!) { task(id: $id) { id text done } }";

/**
 * Counts every operation of the model for one design. `text` is a task of the workload's size; `listed` tasks
 * are projected before `list` is counted (the baseline's list costs one command per task).
 */
export async function measureModelCounts(
  stack: BenchStack,
  pair: DesignPair,
  counter: RedisCounter,
  text: string,
  listed: number,
): Promise<DesignCounts> {
  // The first call of a script after a start costs a NOSCRIPT + EVAL: warm every path once, uncounted.
  const warm = await createTask(pair, text);
  await quiesce(stack, pair);
  await updateTask(pair, { ...warm, done: true });
  await quiesce(stack, pair);
  await deleteTask(pair, warm.id);
  await listTasks(pair);

  const counting: Counting = { stack, pair, counter };
  let task: TaskView | undefined;
  const create = await mutation(counting, async () => {
    task = await createTask(pair, text);
  });
  if (!task) throw new Error("createTask answered no task");
  const created = task;
  const update = await mutation(counting, () => updateTask(pair, { ...created, done: true }));
  const taskRead =
    pair.design === "ours" ? await read(counting, () => graphql(pair, TASK, { id: created.id })) : null;
  const del = await mutation(counting, () => deleteTask(pair, created.id));

  const label = text.slice(0, Math.max(0, text.length - 12));
  await produceBacklog(pair, buildBacklog(pair.design, { events: listed }, label));
  const listedPoked = pair.design === "ours" ? 1 : Math.ceil(listed / BATCH) + 1;
  for (let i = 0; i < listedPoked; i++) await poke(pair);
  const list = await read(counting, () => listTasks(pair));
  const cpu = await cpuPerOp(stack, pair, text, CPU_LIFECYCLES);
  for (const op of [create, update, del]) if (cpu.write !== undefined) op.workerdCpuMs = cpu.write;
  for (const op of [list, taskRead]) if (op && cpu.list !== undefined) op.workerdCpuMs = cpu.list;

  const records = buildBacklog(pair.design, { events: 20 }, label);
  const recordBytes = records.reduce((n, r) => n + Buffer.byteLength(r.value) + r.key.length, 0) / 20;

  return {
    create,
    update,
    delete: del,
    list,
    task: taskRead,
    fold: await fold(stack, pair, counter, label),
    listedTasks: listed,
    recordBytes: Math.round(recordBytes),
  };
}
