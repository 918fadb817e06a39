/**
 * The fold is total (docs/architecture.md#poison-events-and-stops): a poison event (undecodable, invalid) goes to the dead-letter
 * list with its position and reason (an unknown type or a future schema stops the partition instead, see
 * projector-stops.test.ts), an event that no longer applies
 * to the rejected list; neither changes a task, and neither blocks the events after it.
 */
import { describe, expect, it } from "vitest";
import type { TaskEvent } from "../../shared/domain";
import {
  envelopes,
  expectProjectionOfLog,
  newTaskId,
  produce,
  produceEvents,
  taskLife,
} from "./support/projector-model";
import {
  get,
  poke,
  caughtUpProgress as progress,
  status,
  useProjectorPerTest,
} from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const projector = useProjectorPerTest(sys);

describe("poison and stale events", () => {
  it("projection: poison events are dead-lettered with position and reason, and later events are still projected", async () => {
    const taskId = newTaskId();
    const later = newTaskId();
    const [created] = taskLife(taskId, 0);
    const [renamed] = envelopes(taskId, [{ type: "TaskRenamed", data: { text: "after the poison" } }], 1);
    if (!created || !renamed) throw new Error("no envelope");
    const valid = JSON.parse(JSON.stringify(renamed)) as Record<string, unknown>;
    const poison = [
      "{not json",
      JSON.stringify({ ...valid, data: {} }),
      JSON.stringify(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== "taskId"))),
      '"just a string"',
    ];
    await produceEvents(projector(), [created]);
    await produce(
      projector(),
      poison.map((value) => ({ key: taskId, value })),
    );
    await produceEvents(projector(), [renamed, ...taskLife(later, 1)]);

    const res = await poke(projector());

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { caughtUp: true, partitions: [progress(0, 8, { applied: 4, dead: 4 })], ownedElsewhere: false },
    });
    const shown = await status(projector());
    const reasons = [
      expect.stringMatching(/^invalid JSON( at position \d+)?$/),
      "TaskRenamed data.text must be a string",
      "missing field taskId",
      "envelope must be a JSON object",
    ];
    expect(shown).toEqual({
      partitions: [{ partition: 0, checkpoint: 8, head: 8, lag: 0, deadLettered: 4 }],
      lag: 0,
      applied: 4,
      rejected: 0,
      deadLettered: 4,
      folds: { applied: 1, lost: 0 },
      deadLetters: poison.map((value, i) => ({
        partition: 0,
        offset: i + 1,
        reason: reasons[i],
        value,
        loggedAt: expect.any(Number),
      })),
      rejectedEvents: [],
      namespace: projector().prefix,
      rebuild: null,
      lastRebuild: null,
      retiring: [],
    });
    const projection = await expectProjectionOfLog(projector());
    expect(projection.states[taskId]).toMatchObject({
      status: "active",
      task: { text: "after the poison", version: 2 },
    });
    expect(projection.order).toEqual([taskId, later]);
  });

  it("projection: events that no longer apply are recorded as rejected and change no task", async () => {
    const taskId = newTaskId();
    const life = taskLife(taskId, 1);
    const deleted = envelopes(taskId, [{ type: "TaskDeleted", data: {} }], 2);
    const late: TaskEvent[] = [{ type: "TaskRenamed", data: { text: "too late" } }];
    const stale = [
      ...life,
      ...life.slice(0, 1),
      ...deleted,
      ...envelopes(taskId, late, 3),
      ...envelopes(newTaskId(), late, 0),
    ];
    await produceEvents(projector(), stale);

    const res = await poke(projector());

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: {
        caughtUp: true,
        partitions: [progress(0, 6, { applied: 3, rejected: 3 })],
        ownedElsewhere: false,
      },
    });
    const shown = await status(projector());
    expect(shown.rejectedEvents).toEqual(
      [2, 4, 5].map((offset) => ({
        partition: 0,
        offset,
        eventId: stale[offset]?.eventId,
        type: stale[offset]?.type,
        taskId: stale[offset]?.taskId,
        reason: expect.any(String),
      })),
    );
    expect(shown.rejectedEvents.map((r) => r.reason)).toEqual([
      expect.stringContaining(`task ${taskId} already exists`),
      expect.stringContaining(`task ${taskId} has been deleted`),
      expect.stringContaining("does not exist"),
    ]);
    const projection = await expectProjectionOfLog(projector());
    expect(projection.states[taskId]).toMatchObject({ status: "deleted", version: 3 });
    expect(projection.order).toEqual([]);
  });

  it("status: without the admin token, rejected events show position and type, and no task or event id", async () => {
    const taskId = newTaskId();
    const life = taskLife(taskId, 1);
    const stale = [...life, ...life.slice(0, 1)];
    await produceEvents(projector(), stale);
    await poke(projector());

    const publicView = await get(`${projector().url}/status`);

    expect(publicView.status).toBe(200);
    expect(publicView.body.rejectedEvents).toEqual([{ partition: 0, offset: 2, type: "TaskCreated" }]);
    const text = JSON.stringify(publicView.body);
    expect(text).not.toContain(taskId);
    for (const event of stale) expect(text).not.toContain(event.eventId);
    expect((await status(projector())).rejectedEvents).toEqual([
      expect.objectContaining({ offset: 2, taskId, eventId: stale[2]?.eventId }),
    ]);
  });
});
