/**
 * What one record or one batch may cost the fold (docs/architecture.md#the-fold): batches are bounded by the bytes of the
 * Redis request as well as by count, a record too large to project is a dead letter with a short reason, a
 * dead letter's reason never quotes the record, and no log line carries a whole Redis command.
 */
import { describe, expect, it } from "vitest";
import { encodeEvent, MAX_TEXT_CODE_POINTS } from "../../shared/domain";
import { clearFaults, injectFault } from "./support/command-support";
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
  get,
  poke,
  caughtUpProgress as progress,
  sign,
  status,
  useProjectors,
} from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const projectorWith = useProjectors(sys, { faults: ["redis"] });

/** `count` creates whose text is `MAX_TEXT_CODE_POINTS` quote characters: the API's most expensive valid event. */
function quoteCreates(count: number) {
  return Array.from({ length: count }, () =>
    envelopes(newTaskId(), [{ type: "TaskCreated", data: { text: '"'.repeat(MAX_TEXT_CODE_POINTS) } }]),
  ).flat();
}

describe("fold limits", () => {
  it("projection: a backlog larger than one Redis request is folded in batches bounded by bytes", async () => {
    // 700 such events in one script call would be ~12 MB, over Upstash's 10 MB request limit.
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "700" });
    const events = quoteCreates(700);
    for (let i = 0; i < events.length; i += 100) await produceEvents(p, events.slice(i, i + 100));

    const res = await poke(p);

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { caughtUp: true, partitions: [progress(0, 700, { applied: 700 })], ownedElsewhere: false },
    });
    await expectProjectionOfLog(p);
    // 700 events of 1,000 quotes (about 12 MB through the emulators): 5 to 25 s on a loaded machine, seen past 30 s.
  }, 120_000);

  it("projection: a record too large to project is dead-lettered with a short reason; the events after it are projected", async () => {
    const p = await projectorWith();
    const huge = newTaskId();
    const [tooLong] = envelopes(huge, [{ type: "TaskCreated", data: { text: '"'.repeat(2_000_000) } }]);
    if (!tooLong) throw new Error("no envelope");
    await produceEvents(p, [tooLong]);
    const after = taskLife(newTaskId(), 1);
    await produceEvents(p, after);

    const res = await poke(p);

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { caughtUp: true, partitions: [progress(0, 3, { applied: 2, dead: 1 })], ownedElsewhere: false },
    });
    const shown = await status(p);
    expect(shown.deadLetters).toEqual([
      {
        partition: 0,
        offset: 0,
        reason: `TaskCreated data.text is longer than ${MAX_TEXT_CODE_POINTS} characters`,
        value: encodeEvent(tooLong).slice(0, 2048),
        loggedAt: expect.any(Number),
      },
    ]);
    await expectProjectionOfLog(p);
  });

  it("status: a dead letter's reason never quotes the record and is short", async () => {
    const p = await projectorWith();
    const taskId = newTaskId();
    const [created] = taskLife(taskId, 0);
    if (!created) throw new Error("no envelope");
    const valid = JSON.parse(encodeEvent(created)) as Record<string, unknown>;
    const secret = "s3cret-".repeat(20_000);
    const poison = [
      `{"text": "${secret}"`,
      `${secret}`,
      JSON.stringify({ ...valid, [secret]: 1 }),
      JSON.stringify({ ...valid, data: { text: "ok", [secret]: 1 } }),
      JSON.stringify({ ...valid, metadata: { [secret]: "x" } }),
      JSON.stringify({ ...valid, metadata: { requestId: secret } }),
      JSON.stringify({ ...valid, eventId: secret }),
    ];
    await produce(
      p,
      poison.map((value) => ({ key: taskId, value })),
    );

    const res = await poke(p);

    expect(res.status).toBe(200);
    const publicView = await get(`${p.url}/status`);
    const reasons = (publicView.body.deadLetters as Array<{ reason: string }>).map((d) => d.reason);
    expect(reasons).toHaveLength(poison.length);
    for (const reason of reasons) {
      expect(reason).not.toMatch(/s3cret/);
      expect(reason.length).toBeLessThanOrEqual(200);
    }
    expect(JSON.stringify(publicView.body)).not.toMatch(/s3cret/);
  });

  it("projection: the dead-letter and rejected lists keep the newest 1000 entries; the counters keep counting", async () => {
    const p = await projectorWith();
    const taskId = newTaskId();
    const bad = Array.from({ length: 1010 }, (_, i) => ({ key: taskId, value: `{bad ${i}` }));
    for (let i = 0; i < bad.length; i += 500) await produce(p, bad.slice(i, i + 500));

    const res = await poke(p);

    expect(res.status).toBe(200);
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters.dead).toBe(1010);
    expect(projection.deadLetters.map((d) => d.offset)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 10),
    );
  });

  it("projection: a failed fold leaves one short log line, never the whole Redis command", async () => {
    const p = await startCapturedProjector(sys());
    try {
      const marker = `marker-${newTaskId()}`;
      const events = Array.from({ length: 200 }, () =>
        envelopes(newTaskId(), [{ type: "TaskCreated", data: { text: `${marker} ${"x".repeat(900)}` } }]),
      ).flat();
      await produceEvents(p, events);
      await injectFault(sys().stack.redis.url, {
        kind: "fail",
        count: 10,
        status: 500,
        bodyIncludes: marker,
      });

      const res = await send(
        p.url,
        {
          path: "/projection",
          headers: { "upstash-signature": sign({ key: currentKey(p), url: p.webhook, body: "{}" }) },
          body: "{}",
        },
        "req-failed-fold",
      );

      expect(res.status).toBe(503);
      const lines = await linesOf(p.worker, "req-failed-fold");
      expect(lines.some((line) => line.level === "error")).toBe(true);
      for (const line of lines) expect(JSON.stringify(line).length).toBeLessThan(4096);
    } finally {
      await clearFaults(sys().stack.redis.url);
      await p.close();
    }
  });
});
