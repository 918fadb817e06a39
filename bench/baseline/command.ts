/**
 * BASELINE, not shipped: the original article's GraphQL command worker, reproduced for the benchmarks only.
 *
 * - `createTask` builds `{id: Date.now() + Math.random(), text, done: false}`, produces it to Kafka with the legacy
 *   `GET /produce/{topic}/{message}` (the JSON in the path; URL-encoded here so any text survives, the original put
 *   it in raw), then publishes it to QStash, awaited, sequentially, and only then answers.
 * - `updateTask` and `deleteTask` produce the new task (or `{id, deleted: true}`) and publish the same way.
 * - `list` is `SMEMBERS tasks`, then one pipelined `GET task:{id}` per member.
 *
 * It runs on the same emulators as our design, under its own topic and key prefix (`PROJECTION_PREFIX`).
 */
import { graphqlServer } from "@hono/graphql-server";
import { Redis } from "@upstash/redis/cloudflare";
import { buildSchema } from "graphql";
import { type Context, Hono } from "hono";
import { type BaselineBindings, keysOf } from "./keys";

type Env = { Bindings: BaselineBindings };

interface BaselineTask {
  id: number | string;
  text: string;
  done: boolean;
}

const schema = buildSchema(`
  type Task { id: String! text: String! done: Boolean! }
  type Query { list: [Task] }
  type Mutation {
    createTask(text: String!): Task
    updateTask(id: String!, text: String!, done: Boolean!): Task
    deleteTask(id: String!): String
  }
`);

async function produce(env: BaselineBindings, message: unknown): Promise<void> {
  const url = `${env.UPSTASH_KAFKA_URL}/produce/${env.UPSTASH_KAFKA_TOPIC}/${encodeURIComponent(JSON.stringify(message))}`;
  const res = await fetch(url, {
    headers: {
      Authorization: `Basic ${btoa(`${env.UPSTASH_KAFKA_USERNAME}:${env.UPSTASH_KAFKA_PASSWORD}`)}`,
    },
  });
  if (!res.ok) throw new Error(`kafka produce answered ${res.status}`);
  await res.json();
}

async function publish(env: BaselineBindings, message: unknown): Promise<void> {
  const res = await fetch(`${env.QSTASH_URL}/v2/publish/${env.PROJECTOR_URL}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${env.QSTASH_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(message),
  });
  if (!res.ok) throw new Error(`qstash publish answered ${res.status}`);
  await res.json();
}

function rootResolver(c: Context<Env>) {
  const env = c.env;
  const keys = keysOf(env);
  const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
  return {
    async list(): Promise<BaselineTask[]> {
      const ids = await redis.smembers(keys.tasks);
      if (ids.length === 0) return [];
      const p = redis.pipeline();
      for (const id of ids) p.get(keys.task(id));
      const tasks = await p.exec<Array<BaselineTask | null>>();
      return tasks.filter((t): t is BaselineTask => t !== null);
    },
    async createTask({ text }: { text: string }): Promise<BaselineTask> {
      const task = { id: Date.now() + Math.random(), text, done: false };
      await produce(env, task);
      await publish(env, task);
      return task;
    },
    async updateTask(task: { id: string; text: string; done: boolean }): Promise<BaselineTask> {
      await produce(env, task);
      await publish(env, task);
      return task;
    },
    async deleteTask({ id }: { id: string }): Promise<string> {
      await produce(env, { id, deleted: true });
      await publish(env, { id, deleted: true });
      return id;
    },
  };
}

const app = new Hono<Env>();
app.get("/health", (c) => c.json({ ok: true, worker: "baseline-command" }));
app.use("/graphql", graphqlServer<Env>({ schema, rootResolver }));

export default app;
