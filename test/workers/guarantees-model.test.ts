/**
 * The seeded, model-based random test against the running workers: random sequences of
 * mutations (valid and invalid), signed pokes, cron runs and injected faults (QStash drop/duplicate/delay,
 * Kafka failing an append, Redis failing a reservation or a fold script). Each mutation's answer is checked
 * against a small in-memory model of the to-do list as it goes; after each sequence the scheduled handler runs
 * until the projection has caught up, and `list`, `task` and `history` must show exactly the model.
 *
 * As many sequences as fit in GUARANTEES_BUDGET_MS (default 20 s) run, each from its own seed. A failure names
 * the sequence's seed; `GUARANTEES_SEED=<seed> npx vitest run test/workers/guarantees-model.test.ts` replays
 * that sequence's operations (the timing of deliveries may differ).
 */
import { expect, it } from "vitest";
import {
  clearFaults,
  HISTORY,
  readAllTasks,
  TASK,
  TASK_FIELDS,
  type TaskView,
} from "./support/command-support";
import { rng, runSeed, TodoModel } from "./support/guarantees-model";
import { type Run, runOp } from "./support/guarantees-model-ops";
import { converge, systemProjector } from "./support/guarantees-support";
import { expectProjectionOfLog } from "./support/projector-model";
import { admin, status } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const BUDGET_MS = Number(process.env.GUARANTEES_BUDGET_MS ?? 20_000);
/** How far past the budget a sequence that started in time may run before it stops issuing operations. */
const SEQUENCE_GRACE_MS = 5000;

const sys = useSystem();

/** After convergence the read side shows exactly the model: list (this sequence's tasks), task and history. */
async function expectReadSideIsModel(model: TodoModel): Promise<void> {
  // The file's sequences may leave more tasks on the list than one page holds.
  const list = (await readAllTasks<TaskView>(sys(), TASK_FIELDS)).tasks ?? [];
  const view = ({ id, text, done, version, createdAt, updatedAt }: TaskView) => ({
    id,
    text,
    done,
    version,
    createdAt,
    updatedAt,
  });
  expect(list.filter((t) => t.text.startsWith(`${model.tag} #`))).toEqual(model.active().map(view));
  for (const t of model.tasks) {
    expect((await sys().graphql(TASK, { id: t.id })).body).toEqual({
      data: { task: t.deleted ? null : view(t) },
    });
    const history = (await sys().graphql(HISTORY, { id: t.id })).body.data.history as Array<
      Record<string, unknown>
    >;
    expect(history.map(({ type, version, text }) => ({ type, version, text }))).toEqual(t.history);
  }
  const shown = await status(systemProjector(sys()));
  expect({ lag: shown.lag, rejected: shown.rejected, deadLettered: shown.deadLettered }).toEqual({
    lag: 0,
    rejected: 0,
    deadLettered: 0,
  });
}

/** Runs one sequence from `seed`; past `deadline` it issues no more operations (the ones run are in `trace`). */
async function runSequence(seed: number, trace: string[], deadline: number): Promise<void> {
  const r = rng(seed);
  const model = new TodoModel(`s${seed}`);
  const run: Run = {
    sys: sys(),
    model,
    pokes: [],
    lost: false,
    dropped: sys().stack.qstash.deliveries().dropped,
  };
  const length = 12 + r.int(20);
  for (let i = 0; i < length && Date.now() < deadline; i++) {
    const op = model.op(r);
    trace.push(JSON.stringify(op));
    await runOp(run, op);
  }
  // Pokes answer 503 only while a fold fault is pending; QStash and the cron retry for them.
  for (const s of await Promise.all(run.pokes)) expect([200, 503]).toContain(s);
  await Promise.all([
    clearFaults(sys().stack.kafka.url),
    ...(sys().stack.redpanda ? [clearFaults(sys().logEmulatorUrl)] : []),
    clearFaults(sys().stack.redis.url),
    admin(sys().stack.qstash.url, "DELETE", "delivery-faults"),
  ]);
  await converge(sys());
  await expectReadSideIsModel(model);
}

it("model: random mutations, pokes, cron runs and faults leave the read side equal to the model", {
  timeout: BUDGET_MS + SEQUENCE_GRACE_MS + 40_000,
}, async () => {
  const { seed, fixed } = runSeed();
  // Printed before anything runs, so that every run's log names its seed, whatever fails later.
  console.log(`guarantees model: GUARANTEES_SEED=${seed}${fixed ? "" : " (random)"}`);
  const seeds = rng(seed);
  const started = Date.now();
  let sequences = 0;
  let next = seed;
  while (sequences === 0 || (!fixed && Date.now() - started < BUDGET_MS)) {
    const trace: string[] = [];
    try {
      await runSequence(next, trace, started + BUDGET_MS + SEQUENCE_GRACE_MS);
    } catch (err) {
      const ops = trace.map((t, i) => `  ${i + 1}. ${t}`).join("\n");
      throw new Error(
        `model sequence failed: replay with GUARANTEES_SEED=${next} (run seed ${seed}, sequence ${sequences + 1})\n` +
          `operations run (the last one, or the check after all of them, failed):\n${ops}\n${(err as Error).message}`,
        { cause: err },
      );
    }
    sequences++;
    next = seeds.int(2 ** 32);
  }
  console.log(
    `guarantees model: ${sequences} sequences from GUARANTEES_SEED=${seed} in ${Date.now() - started} ms`,
  );
  // The whole projection is the fold of the whole log.
  await expectProjectionOfLog(systemProjector(sys()));
});
