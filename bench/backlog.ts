/**
 * Backlogs written straight into a design's topic, bypassing its command worker: what the fold and list
 * scenarios project. Ours are real encoded envelopes (shared/domain), the baseline's are the original's task
 * JSON; both are the same mix of operations over the same number of tasks.
 */
import { randomUUID } from "node:crypto";
import { Kafka } from "@upstash/kafka";
import { encodeEvent, makeEnvelopes, type TaskCommand, type TaskEvent } from "../shared/domain";
import type { DesignPair } from "./system";

/** One record to produce: the Kafka key and value. */
export interface BacklogRecord {
  key: string;
  value: string;
}

export interface BacklogShape {
  /** Records in all. */
  events: number;
  /** Every `updateEvery`-th record completes the task created just before it; the others create tasks. */
  updateEvery?: number;
}

function ourRecord(
  taskId: string,
  command: TaskCommand,
  event: TaskEvent,
  baseVersion: number,
): BacklogRecord {
  const [envelope] = makeEnvelopes(command, [event], { eventIds: [randomUUID()], baseVersion });
  if (!envelope) throw new Error("makeEnvelopes returned nothing");
  return { key: taskId, value: encodeEvent(envelope) };
}

/** Builds the records of a backlog for `design`: creates, and every `updateEvery`-th a completion. */
export function buildBacklog(
  design: DesignPair["design"],
  shape: BacklogShape,
  label: string,
): BacklogRecord[] {
  const records: BacklogRecord[] = [];
  const every = shape.updateEvery ?? 0;
  let last: { id: string; text: string; baselineId: number } | undefined;
  const start = Date.now();
  for (let i = 0; i < shape.events; i++) {
    const now = new Date(start + i).toISOString();
    if (every > 0 && i % every === every - 1 && last) {
      const { id, text, baselineId } = last;
      records.push(
        design === "ours"
          ? ourRecord(
              id,
              { type: "UpdateTask", data: { taskId: id, text, done: true }, metadata: { now } },
              { type: "TaskCompleted", data: {} },
              1,
            )
          : { key: "", value: JSON.stringify({ id: baselineId, text, done: true }) },
      );
      continue;
    }
    const text = `${label} task ${i}`;
    if (design === "ours") {
      const id = randomUUID();
      records.push(
        ourRecord(
          id,
          { type: "CreateTask", data: { taskId: id, text }, metadata: { now } },
          { type: "TaskCreated", data: { text } },
          0,
        ),
      );
      last = { id, text, baselineId: 0 };
    } else {
      // The original's id: a millisecond timestamp plus a random fraction.
      const baselineId = start + i + Math.random();
      records.push({ key: "", value: JSON.stringify({ id: baselineId, text, done: false }) });
      last = { id: String(baselineId), text, baselineId };
    }
  }
  return records;
}

const CHUNK = 5000;

/** Produces records to the pair's topic, partition 0, with the official client's `produceMany`, in large batches. */
export async function produceBacklog(pair: DesignPair, records: readonly BacklogRecord[]): Promise<void> {
  const kafka = new Kafka({
    url: pair.env.UPSTASH_KAFKA_URL ?? "",
    username: pair.env.UPSTASH_KAFKA_USERNAME ?? "",
    password: pair.env.UPSTASH_KAFKA_PASSWORD ?? "",
  });
  const producer = kafka.producer();
  for (let i = 0; i < records.length; i += CHUNK) {
    await producer.produceMany(
      records.slice(i, i + CHUNK).map((r) => ({
        topic: pair.topic,
        value: r.value,
        partition: 0,
        ...(r.key ? { key: r.key } : {}),
      })),
    );
  }
}
