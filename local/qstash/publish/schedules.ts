/**
 * Schedules (docs/protocols.md#management-routes): a cron expression that publishes the same message, on the real clock
 * in UTC, to a URL or URL group (optionally through a queue). Each run is an ordinary publish whose messages
 * carry the schedule id. `Upstash-Schedule-Id` on create names the schedule; creating it again replaces it.
 */

import { DueTimers } from "../delivery/due-timers";
import { badRequest } from "../errors";
import { type Cron, nextRun, parseCron } from "../state/cron";
import { randomId } from "../state/ids";
import { bodyFields, specFields, specHeaders } from "../state/message";
import { NamedStore } from "../state/named-store";
import { checkQueueName } from "../state/queues";
import type { PublishSpec } from "../state/spec";
import { commitPublish, type PublishContext, preparePublish } from "./accept";
import { parseDestination } from "./destination";
import { SCHEDULE_HEADERS } from "./header-refusals";
import { type HeaderBag, parsePublishHeaders } from "./headers";

export interface Schedule {
  scheduleId: string;
  cron: Cron;
  destination: string;
  headers: HeaderBag;
  spec: PublishSpec;
  body: Buffer;
  queueName?: string;
  callerIp?: string;
  createdAt: number;
  isPaused: boolean;
  lastScheduleTime?: number;
  nextScheduleTime?: number;
}

export interface ScheduleInput {
  destination: string;
  headers: HeaderBag;
  body: Buffer;
  callerIp?: string;
}

const ID = /^[A-Za-z0-9._-]+$/;

/** The JSON shape of `GET /v2/schedules/{id}`. */
export function scheduleJson(s: Schedule): Record<string, unknown> {
  const body = s.body.length > 0 ? bodyFields(s.body) : {};
  return {
    scheduleId: s.scheduleId,
    cron: s.cron.text,
    createdAt: s.createdAt,
    destination: s.destination,
    method: s.spec.method,
    header: specHeaders(s.spec),
    ...body,
    retries: s.spec.retries,
    ...(s.spec.delayMs > 0 && { delay: s.spec.delayMs / 1000 }),
    ...(s.queueName !== undefined && { queueName: s.queueName }),
    ...(s.callerIp !== undefined && { callerIp: s.callerIp }),
    isPaused: s.isPaused,
    ...specFields(s.spec),
    ...(s.lastScheduleTime !== undefined && { lastScheduleTime: s.lastScheduleTime }),
    ...(s.nextScheduleTime !== undefined && { nextScheduleTime: s.nextScheduleTime }),
  };
}

export class ScheduleStore extends NamedStore<Schedule> {
  private readonly timers = new DueTimers();

  constructor(
    private readonly ctx: PublishContext,
    private readonly log?: (line: string) => void,
  ) {
    super("schedule");
  }

  /** Validates and stores a schedule (replacing one with the same id), armed for its next run. */
  create(input: ScheduleInput, now = Date.now()): Schedule {
    const cronText = input.headers.get("upstash-cron");
    if (cronText === undefined) throw badRequest("Upstash-Cron header is required to create a schedule");
    let cron: Cron;
    try {
      cron = parseCron(cronText);
    } catch (err) {
      throw badRequest(`invalid Upstash-Cron header "${cronText}": ${(err as Error).message}`);
    }
    parseDestination(input.destination);
    const spec = parsePublishHeaders(input.headers, SCHEDULE_HEADERS);
    if (spec.notBefore !== undefined)
      throw badRequest("unsupported header Upstash-Not-Before: a schedule's runs are set by its cron");
    const scheduleId = input.headers.get("upstash-schedule-id") ?? randomId("scd_", 28);
    if (!ID.test(scheduleId))
      throw badRequest(
        `invalid Upstash-Schedule-Id "${scheduleId}": use letters, digits, ".", "_" and "-" only`,
      );
    const queueName = input.headers.get("upstash-queue-name");
    if (queueName !== undefined) checkQueueName(queueName);
    const schedule: Schedule = {
      scheduleId,
      cron,
      destination: input.destination,
      headers: input.headers,
      spec,
      body: input.body,
      ...(queueName !== undefined && { queueName }),
      ...(input.callerIp !== undefined && { callerIp: input.callerIp }),
      createdAt: now,
      isPaused: false,
    };
    this.timers.clear(scheduleId);
    this.items.set(scheduleId, schedule);
    this.arm(schedule, now);
    return schedule;
  }

  override delete(scheduleId: string): Schedule {
    const schedule = super.delete(scheduleId);
    this.timers.clear(scheduleId);
    return schedule;
  }

  /** Pausing stops the runs; resuming arms the next run from now. */
  setPaused(scheduleId: string, paused: boolean): void {
    const schedule = this.get(scheduleId);
    schedule.isPaused = paused;
    this.timers.clear(scheduleId);
    if (paused) delete schedule.nextScheduleTime;
    else this.arm(schedule, Date.now());
  }

  /** Publishes the schedule's message now, as a run would; returns the new message ids. */
  run(scheduleId: string, now = Date.now()): string[] {
    const schedule = this.get(scheduleId);
    schedule.lastScheduleTime = now;
    const prepared = preparePublish(this.ctx, {
      destination: schedule.destination,
      headers: schedule.headers,
      body: schedule.body,
      extraHeaders: SCHEDULE_HEADERS,
      scheduleId,
      ...(schedule.queueName !== undefined && { queueName: schedule.queueName }),
      ...(schedule.callerIp !== undefined && { callerIp: schedule.callerIp }),
    });
    const outcome = commitPublish(this.ctx, prepared);
    const items = outcome.kind === "url" ? [outcome.item] : outcome.items;
    return items.map((i) => i.messageId);
  }

  close(): void {
    this.timers.clearAll();
  }

  private arm(schedule: Schedule, after: number): void {
    const next = nextRun(schedule.cron, after);
    if (next === undefined) return;
    schedule.nextScheduleTime = next;
    this.timers.set(schedule.scheduleId, next, () => {
      try {
        this.run(schedule.scheduleId, next);
      } catch (err) {
        // A URL group deleted since the schedule was made: the run is skipped, loudly.
        this.log?.(`qstash schedule ${schedule.scheduleId} run skipped: ${(err as Error).message}`);
      }
      if (this.items.get(schedule.scheduleId) === schedule && !schedule.isPaused) this.arm(schedule, next);
    });
  }
}
