/**
 * Events the projector cannot understand yet (docs/architecture.md#poison-events-and-stops): a future schema version or an unknown event
 * type stops its partition at that event, loudly (the poke's answer, /status, GraphQL `projection`), instead of
 * being skipped, so that a projector that understands it can fold it later. Nothing after it is folded.
 */
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../shared/domain";
import { linesOf, send, startCapturedProjector } from "./support/hostile-support";
import {
  envelopes,
  expectProjectionOfLog,
  newTaskId,
  produce,
  produceEvents,
  taskLife,
} from "./support/projector-model";
import {
  currentKey,
  type Projector,
  poke,
  caughtUpProgress as progress,
  sign,
  status,
  useProjectorPerTest,
} from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const projector = useProjectorPerTest(sys);

/** A created task, then an event only a newer projector understands, then a valid event of the same task. */
async function produceAroundNewer(p: Projector, newer: (valid: Record<string, unknown>) => unknown) {
  const taskId = newTaskId();
  const [created, renamed, completed] = taskLife(taskId, 2);
  if (!created || !renamed || !completed) throw new Error("no envelope");
  await produceEvents(p, [created]);
  await produce(p, [{ key: taskId, value: JSON.stringify(newer(JSON.parse(encodeEvent(renamed)))) }]);
  await produceEvents(p, [{ ...completed, version: 3 }]);
  return taskId;
}

const cases: Array<[string, (valid: Record<string, unknown>) => unknown, RegExp]> = [
  [
    "a future schema version",
    (valid) => ({ ...valid, schemaVersion: 2 }),
    /^schemaVersion 2 is from the future \(this code reads up to 1\)/,
  ],
  ["an unknown event type", (valid) => ({ ...valid, type: "TaskArchived" }), /^unknown event type/],
];

describe("events from a newer writer", () => {
  it.each(cases)(
    "projection: %s stops the partition there, and a later poke does not skip it",
    async (_name, newer, reason) => {
      const taskId = await produceAroundNewer(projector(), newer);

      const res = await poke(projector());

      const stopped = { offset: 1, reason: expect.stringMatching(reason), since: expect.any(String) };
      expect({ status: res.status, body: res.body }).toEqual({
        status: 200,
        body: {
          caughtUp: false,
          partitions: [{ ...progress(0, 1, { applied: 1 }), caughtUp: false, stopped }],
          ownedElsewhere: false,
        },
      });
      const again = await poke(projector());
      expect(again.body.partitions).toEqual([{ ...progress(1, 1), caughtUp: false, stopped }]);
      const shown = await status(projector());
      expect(shown).toMatchObject({
        partitions: [{ partition: 0, checkpoint: 1, head: 3, lag: 2, deadLettered: 0, stopped }],
        applied: 1,
        rejected: 0,
        deadLettered: 0,
        deadLetters: [],
        rejectedEvents: [],
      });
      const projection = await expectProjectionOfLog(projector());
      expect(projection.states[taskId]).toMatchObject({ status: "active", task: { version: 1 } });
    },
  );

  it("projection: a reason never quotes the unknown type", async () => {
    await produceAroundNewer(projector(), (valid) => ({ ...valid, type: "s3cret".repeat(1000) }));

    await poke(projector());

    const shown = await status(projector());
    expect(shown.partitions[0]?.stopped?.reason).not.toMatch(/s3cret/);
    expect(shown.partitions[0]?.stopped?.reason.length).toBeLessThanOrEqual(200);
  });

  it("graphql: projection shows a stopped partition with its offset and reason", async () => {
    const system = sys();
    const p: Projector = {
      url: system.projectorUrl,
      webhook: `${system.projectorUrl}/projection`,
      env: system.env,
      topic: system.env.UPSTASH_KAFKA_TOPIC ?? "",
      prefix: system.env.PROJECTION_PREFIX ?? "",
      partitions: 1,
      close: async () => {},
    };
    await produceAroundNewer(p, (valid) => ({ ...valid, schemaVersion: 7 }));
    await system.cron();

    const res = await system.graphql(
      "{ projection { partitions { partition checkpoint stopped { offset reason since } } } }",
    );

    expect(res.body).toEqual({
      data: {
        projection: {
          partitions: [
            {
              partition: 0,
              checkpoint: 1,
              stopped: {
                offset: 1,
                reason: expect.stringMatching(/^schemaVersion 7 is from the future/),
                since: expect.any(String),
              },
            },
          ],
        },
      },
    });
  });

  it("projection: a stop leaves an error log line with the partition, offset and reason at every attempt", async () => {
    const captured = await startCapturedProjector(sys());
    try {
      await produceAroundNewer(captured, (valid) => ({ ...valid, schemaVersion: 3 }));
      for (const requestId of ["req-stop-1", "req-stop-2"]) {
        const body = "{}";
        const res = await send(
          captured.url,
          {
            path: "/projection",
            headers: {
              "upstash-signature": sign({ key: currentKey(captured), url: captured.webhook, body }),
            },
            body,
          },
          requestId,
        );
        expect(res.status).toBe(200);
        expect(
          (await linesOf(captured.worker, requestId)).filter((l) => l.msg === "partition stopped"),
        ).toEqual([
          expect.objectContaining({
            level: "error",
            partition: 0,
            offset: 1,
            reason: expect.stringMatching(/^schemaVersion 3 is from the future/),
          }),
        ]);
      }
    } finally {
      await captured.close();
    }
  });

  it("projection: an undecodable record is still a dead letter, and the fold goes on", async () => {
    const taskId = newTaskId();
    await produce(projector(), [{ key: taskId, value: "{not json" }]);
    await produceEvents(projector(), envelopes(taskId, [{ type: "TaskCreated", data: { text: "after" } }]));

    const res = await poke(projector());

    expect(res.body.partitions).toEqual([progress(0, 2, { applied: 1, dead: 1 })]);
    await expectProjectionOfLog(projector());
  });
});
