/**
 * BASELINE, not shipped: the original article's projector, reproduced for the benchmarks only.
 *
 * The QStash webhook verifies the signature, reads its offset (`GET offset`), fetches once from that offset, and
 * writes what it got with one non-atomic pipeline: `SET task:{id}` + `SADD tasks` per task (`DEL` + `SREM` for a
 * deleted one), then `SET offset`. One fetch per poke: the emulator answers at most 500 records, so a longer
 * backlog needs more pokes. Fixed from the original: the offset starts at 0 (the original started at 1 and so
 * never projected the first event).
 */
import { Receiver } from "@upstash/qstash";
import { Redis } from "@upstash/redis/cloudflare";
import { Hono } from "hono";
import { type BaselineBindings, keysOf } from "./keys";

interface FetchedMessage {
  offset: number;
  value: string;
}

interface BaselineMessage {
  id: number | string;
  text?: string;
  done?: boolean;
  deleted?: boolean;
}

const app = new Hono<{ Bindings: BaselineBindings }>();

app.get("/health", (c) => c.json({ ok: true, worker: "baseline-projector" }));

app.post("/projection", async (c) => {
  const env = c.env;
  const body = await c.req.text();
  const receiver = new Receiver({
    currentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY,
    nextSigningKey: env.QSTASH_NEXT_SIGNING_KEY,
  });
  const valid = await receiver
    .verify({ signature: c.req.header("upstash-signature") ?? "", body, url: env.PROJECTOR_URL })
    .catch(() => false);
  if (!valid) return c.json({ error: "invalid signature" }, 401);

  const keys = keysOf(env);
  const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
  const offset = Number((await redis.get<number>(keys.offset)) ?? 0);
  const res = await fetch(`${env.UPSTASH_KAFKA_URL}/fetch`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${btoa(`${env.UPSTASH_KAFKA_USERNAME}:${env.UPSTASH_KAFKA_PASSWORD}`)}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ topic: env.UPSTASH_KAFKA_TOPIC, partition: 0, offset, timeout: 0 }),
  });
  if (!res.ok) return c.json({ error: `kafka fetch answered ${res.status}` }, 500);
  const messages = (await res.json()) as FetchedMessage[];
  const last = messages[messages.length - 1];
  if (!last) return c.json({ offset, count: 0 });

  const p = redis.pipeline();
  for (const m of messages) {
    const task = JSON.parse(m.value) as BaselineMessage;
    if (task.deleted) {
      p.del(keys.task(task.id));
      p.srem(keys.tasks, String(task.id));
    } else {
      p.set(keys.task(task.id), task);
      p.sadd(keys.tasks, String(task.id));
    }
  }
  p.set(keys.offset, last.offset + 1);
  await p.exec();
  return c.json({ offset: last.offset + 1, count: messages.length });
});

export default app;
