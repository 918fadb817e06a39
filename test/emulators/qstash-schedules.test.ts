/**
 * Schedules with the unmodified client: create, get, list, pause, resume, replace and delete; a run (forced
 * through the admin route, as the cron would fire it) publishes a signed message carrying the schedule id.
 * The cron grammar itself is specified by unit tests of `nextRun` over fixed instants.
 */
import { Receiver } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { nextRun, parseCron } from "../../local/qstash/state/cron";
import { useQStash } from "./support/qstash-fixture";

const CURRENT = "sig_schedulesCurrent";
const NEXT = "sig_schedulesNext";
const TOKEN = "schedules-test-token";
const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: CURRENT,
  nextSigningKey: NEXT,
  timeScale: 0.001,
});

async function run(scheduleId: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${qstash.emulator.url}/__emulator/schedules/${scheduleId}/run`, {
    method: "POST",
  });
  return { status: res.status, body: await res.json() };
}

describe("schedules", () => {
  it("schedules.create: shows what was asked, with the next run in UTC, and a run delivers it signed with the schedule id", async () => {
    const dest = await qstash.destination();
    const destination = `${dest.url}/tick?src=cron`;

    const { scheduleId } = await qstash.client.schedules.create({
      destination,
      cron: " */15  * * * * ",
      body: "tick",
      headers: { "X-Run": "r" },
      retries: 2,
      label: "ticks",
    });
    const schedule = await qstash.client.schedules.get(scheduleId);
    const ran = await run(scheduleId);
    const [req] = await dest.waitFor("/tick", 1);
    await qstash.emulator.idle();

    expect(schedule).toMatchObject({
      scheduleId,
      cron: "*/15 * * * *",
      destination,
      method: "POST",
      body: "tick",
      retries: 2,
      isPaused: false,
      label: "ticks",
      header: { "X-Run": ["r"], "Content-Type": ["application/json"] },
      nextScheduleTime: nextRun(parseCron("*/15 * * * *"), schedule.createdAt),
    });
    expect(ran).toEqual({ status: 200, body: { messageIds: [expect.stringMatching(/^msg_/)] } });
    expect(req?.target).toBe("/tick?src=cron");
    expect(req?.headers["upstash-schedule-id"]).toBe(scheduleId);
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
    expect(
      await receiver.verify({
        signature: String(req?.headers["upstash-signature"]),
        body: "tick",
        url: destination,
      }),
    ).toBe(true);
    const { logs } = await qstash.client.logs({ filter: { scheduleId, state: "DELIVERED" } });
    expect(logs).toHaveLength(1);
    await qstash.client.schedules.delete(scheduleId);
  });

  it("schedules: pause and resume; the same id replaces; delete removes", async () => {
    const scheduleId = `sched-${Date.now()}`;
    await qstash.client.schedules.create({
      destination: "http://127.0.0.1:1/a",
      cron: "0 0 * * *",
      scheduleId,
    });

    await qstash.client.schedules.pause({ schedule: scheduleId });
    const paused = await qstash.client.schedules.get(scheduleId);
    await qstash.client.schedules.resume({ schedule: scheduleId });
    const resumed = await qstash.client.schedules.get(scheduleId);
    await qstash.client.schedules.create({
      destination: "http://127.0.0.1:1/b",
      cron: "0 12 * * *",
      scheduleId,
    });
    const listed = (await qstash.client.schedules.list()).filter((s) => s.scheduleId === scheduleId);
    await qstash.client.schedules.delete(scheduleId);

    expect(paused.isPaused).toBe(true);
    expect(paused.nextScheduleTime).toBeUndefined();
    expect(resumed).toMatchObject({ isPaused: false, nextScheduleTime: expect.any(Number) });
    expect(listed).toEqual([
      expect.objectContaining({ destination: "http://127.0.0.1:1/b", cron: "0 12 * * *" }),
    ]);
    await expect(qstash.client.schedules.get(scheduleId)).rejects.toThrow(/not found/);
  });

  it("schedules.create: a cron the emulator cannot honour is 400 with the reason", async () => {
    const create = (cron: string) =>
      qstash.client.schedules
        .create({ destination: "http://127.0.0.1:1/x", cron })
        .catch((e: Error) => e.message);

    expect(await create("* * * *")).toMatch(/expected 5 fields/);
    expect(await create("CRON_TZ=Europe/Paris 0 9 * * *")).toMatch(/schedules run in UTC/);
    expect(await create("0 9 * JAN *")).toMatch(/month \\?"JAN\\?" is not a number, range, step or \*/);
    expect(await create("0 0 30 2 *")).toMatch(/never fires/);
    expect(await qstash.client.schedules.list()).toEqual([]);
  });
});

describe("cron", () => {
  const at = (iso: string) => Date.parse(iso);

  it("nextRun: the first matching whole minute strictly after the instant, in UTC", () => {
    expect(nextRun(parseCron("*/15 * * * *"), at("2026-03-01T10:15:00Z"))).toBe(at("2026-03-01T10:30:00Z"));
    expect(nextRun(parseCron("0 9 * * *"), at("2026-03-01T09:00:30Z"))).toBe(at("2026-03-02T09:00:00Z"));
    expect(nextRun(parseCron("5 0-6/3 1,15 * *"), at("2026-03-01T04:00:00Z"))).toBe(
      at("2026-03-01T06:05:00Z"),
    );
    expect(nextRun(parseCron("0 0 29 2 *"), at("2026-03-01T00:00:00Z"))).toBe(at("2028-02-29T00:00:00Z"));
  });

  it("nextRun: restricted day of month and day of week match either (7 is Sunday too)", () => {
    // 2026-03-02 is a Monday; the 10th is a Tuesday.
    const cron = parseCron("0 0 10 * 7");
    expect(nextRun(cron, at("2026-03-02T00:00:00Z"))).toBe(at("2026-03-08T00:00:00Z"));
    expect(nextRun(cron, at("2026-03-08T00:00:00Z"))).toBe(at("2026-03-10T00:00:00Z"));
  });
});
