/**
 * The model-based random test's operations against a running system: each mutation's answer checked against the
 * model's prediction (and recorded in the model when it succeeded), signed pokes, cron runs, and faults injected
 * through the emulators' admin routes.
 */
import { expect } from "vitest";
import { NOTHING_CHANGED, unavailable } from "../../support/graphql-answers";
import type { GraphQLAnswer, TestSystem } from "../../support/system";
import { appendCallOf, CREATE, clearFaults, DELETE, type TaskView, UPDATE } from "./command-support";
import type { Mutation, Op, Prediction, TodoModel } from "./guarantees-model";
import { systemProjector } from "./guarantees-support";
import { admin, currentKey, poke, sign } from "./projector-support";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function send(sys: TestSystem, m: Mutation): Promise<GraphQLAnswer> {
  if (m.kind === "create") return sys.graphql(CREATE, { text: m.text });
  if (m.kind === "update")
    return sys.graphql(UPDATE, { id: m.id, text: m.text, done: m.done, expectedVersion: m.expectedVersion });
  return sys.graphql(DELETE, { id: m.id, expectedVersion: m.expectedVersion });
}

const FIELD = { create: "createTask", update: "updateTask", delete: "deleteTask" } as const;

/** Checks a mutation's answer against the prediction and, when it succeeded, records it in the model. */
function checkAndApply(model: TodoModel, m: Mutation, predicted: Prediction, answer: GraphQLAnswer): void {
  const field = FIELD[m.kind];
  expect(answer.status).toBe(200);
  if (predicted.code !== "OK" || !("events" in predicted)) {
    expect(answer.body.data).toEqual({ [field]: null });
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual([predicted.code]);
    if ("message" in predicted && predicted.message)
      expect(answer.body.errors?.[0]?.message).toBe(predicted.message);
    return;
  }
  expect(answer.body.errors).toBeUndefined();
  const value = answer.body.data[field];
  if (m.kind === "delete") {
    expect(value).toBe(m.id);
    model.apply(m, predicted.events, { id: m.id, createdAt: "", updatedAt: "" });
    return;
  }
  const task = value as TaskView;
  if (m.kind === "create") {
    expect(task).toEqual({
      id: expect.any(String),
      text: m.text,
      done: false,
      version: 1,
      createdAt: expect.stringMatching(ISO),
      updatedAt: task.createdAt,
    });
  } else {
    const before = model.find(m.id);
    const changed = predicted.events.length > 0;
    expect(task).toEqual({
      id: m.id,
      text: m.text,
      done: m.done,
      version: (before?.version ?? 0) + predicted.events.length,
      createdAt: before?.createdAt,
      updatedAt: changed ? expect.stringMatching(ISO) : before?.updatedAt,
    });
  }
  model.apply(m, predicted.events, task);
}

/** The service the event log's errors name. */
function logService(sys: TestSystem): "kafka" | "redis" {
  return sys.eventLog === "redis-streams" ? "redis" : "kafka";
}

/**
 * A fault that makes the log refuse the next append of `write`. On Redis Streams it matches only that write's
 * append call (its script's SHA-1: the log is in the projection's database, so the append carries the write's
 * guard) and answers 400, since a 5xx to a write is an unknown outcome there; so does Redpanda's, matched by the
 * produce route's path.
 */
function logRefusal(sys: TestSystem, write: "create" | "change"): Record<string, unknown> {
  if (sys.eventLog === "redpanda")
    return { kind: "fail", status: 400, path: `/topics/${sys.env.UPSTASH_KAFKA_TOPIC}` };
  // 429: a refusal that proves nothing was written (a 5xx would be an unknown outcome).
  if (sys.eventLog !== "redis-streams") return { kind: "fail", status: 429, path: "/produce" };
  return { kind: "fail", status: 400, bodyIncludes: appendCallOf(write) };
}

/**
 * A fault that fails the write's first Redis call: its read of the task (a pipeline that GETs the task's
 * reservation). It is matched on that GET, not on the reservation key alone: the previous write's commit, run
 * after its answer (ctx.waitUntil), carries that key too and would otherwise take the fault while this write
 * goes through. No call run after an answer reads the task this way.
 */
function taskReadRefusal(sys: TestSystem, taskId: string): Record<string, unknown> {
  return { kind: "fail", bodyIncludes: `["get","${sys.env.PROJECTION_PREFIX}:reservation:${taskId}"]` };
}

/** The body a write failing on `service` with a definite refusal must answer. */
function refusedBy(service: "kafka" | "redis", field: string) {
  return unavailable(field, service, `a backing service is unavailable (${service}); ${NOTHING_CHANGED}`);
}

/** One sequence's state besides the model: pokes in flight, and whether deliveries were lost and not made good. */
export interface Run {
  sys: TestSystem;
  model: TodoModel;
  pokes: Array<Promise<number>>;
  /** QStash deliveries dropped since the last cron run that caught the projection up. */
  lost: boolean;
  dropped: number;
}

/**
 * A write that must wait for the projector (its task's last write is not folded yet) answers UNAVAILABLE after a
 * bounded wait, having changed nothing, when the pokes that would have folded it were lost: its own re-poke
 * ("nudge") is one more delivery, and once that one is lost too, only the cron makes it good. That is the one
 * answer besides the model's that is right, and only while a lost delivery has not been made good.
 */
function waitedInVain(run: Run, answer: GraphQLAnswer): boolean {
  const { sys } = run;
  const dropped = sys.stack.qstash.deliveries().dropped;
  if (dropped > run.dropped) run.lost = true;
  run.dropped = dropped;
  const [error] = answer.body.errors ?? [];
  return (
    run.lost &&
    error?.extensions?.service === "projector" &&
    /after waiting 3000 ms; nothing was changed by this request/.test(error.message)
  );
}

/** Injects a request fault into an emulator and answers its id. */
async function inject(url: string, fault: Record<string, unknown>): Promise<number> {
  const answer = (await admin(url, "POST", "faults", fault)) as { fault: { id: number } };
  return answer.fault.id;
}

async function pendingFaults(url: string): Promise<number[]> {
  return ((await admin(url, "GET", "faults")) as { faults: Array<{ id: number }> }).faults.map((f) => f.id);
}

/** Runs one operation, checking what it answered. */
export async function runOp(run: Run, op: Op): Promise<void> {
  const { sys } = run;
  const prefix = sys.env.PROJECTION_PREFIX;
  switch (op.kind) {
    case "mutate": {
      const answer = await send(sys, op.mutation);
      if (!waitedInVain(run, answer))
        checkAndApply(run.model, op.mutation, run.model.predict(op.mutation), answer);
      return;
    }
    case "fail-write": {
      const m = op.mutation;
      // "kafka" stands for the event log, whichever backend runs it: a refused append.
      const onLog = op.service === "kafka" || m.kind === "create";
      const url = onLog ? sys.logEmulatorUrl : sys.stack.redis.url;
      const id = await inject(
        url,
        m.kind === "create" || onLog
          ? logRefusal(sys, m.kind === "create" ? "create" : "change")
          : taskReadRefusal(sys, m.id),
      );
      const answer = await send(sys, m);
      if (waitedInVain(run, answer)) return clearFaults(url);
      expect(answer.body).toEqual(refusedBy(onLog ? logService(sys) : "redis", FIELD[m.kind]));
      expect(await pendingFaults(url)).not.toContain(id);
      return;
    }
    case "poke":
      // Not awaited: pokes race the operations that follow.
      run.pokes.push(poke(systemProjector(sys)).then((a) => a.status));
      return;
    case "forged-poke": {
      const p = systemProjector(sys);
      const body = '{"partition":0,"offset":0,"reason":"append"}';
      const signature =
        op.forgery === "unsigned"
          ? null
          : op.forgery === "foreign key"
            ? sign({ key: "sig_someoneElsesKey000000000001", url: p.webhook, body })
            : sign({ key: currentKey(p), url: p.webhook, body: "{}" });
      const answer = await poke(p, body, signature);
      expect({ status: answer.status, code: answer.body.code }).toEqual({
        status: 401,
        code: "UNAUTHORIZED",
      });
      return;
    }
    case "cron": {
      const res = await fetch(`${sys.projectorUrl}/cdn-cgi/handler/scheduled`);
      await res.arrayBuffer();
      // A pending fold fault makes the catch-up fail; the next run or delivery makes it good.
      expect([200, 500]).toContain(res.status);
      if (res.status === 200) {
        run.lost = false;
        run.dropped = sys.stack.qstash.deliveries().dropped;
      }
      return;
    }
    case "delivery-fault":
      await admin(sys.stack.qstash.url, "POST", "delivery-faults", {
        kind: op.fault,
        count: op.count,
        ms: op.ms,
        urlPrefix: sys.projectorUrl,
      });
      return;
    case "fold-fault":
      await inject(sys.stack.redis.url, {
        kind: "fail",
        count: op.count,
        bodyIncludes: `${prefix}:counters`,
      });
      return;
    default: {
      const unknown: never = op;
      throw new Error(`unknown op ${JSON.stringify(unknown)}`);
    }
  }
}
