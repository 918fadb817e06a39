/**
 * The delivery engine: each accepted message waits for its time, passes its queue's and flow-control key's
 * gates, is sent (signed afresh per attempt), and is retried with backoff until a 2xx, a non-retryable 489,
 * or its retries run out, after which it lands in the DLQ. Delivery faults are applied per attempt.
 */

import type { DeadLetterQueue, DlqEntry } from "../state/dlq";
import type { EventLog } from "../state/events";
import { type Filter, messageSubject } from "../state/filters";
import type { FlowControlKeys } from "../state/flow-control";
import { GateClosedError, type Release } from "../state/gate";
import type { QStashMessage } from "../state/message";
import type { QueueStore } from "../state/queues";
import { Admission } from "./admission";
import { nextRetryDelayMs } from "./backoff";
import { DueTimers } from "./due-timers";
import type { DeliveryFaultQueue } from "./faults";
import { deliveryHeaders } from "./headers";
import { type DeliverySummary, describe, isNonRetryable, isSuccess } from "./outcomes";
import type { AttemptResult, Destinations } from "./send";

export type { DeliverySummary } from "./outcomes";

export interface SchedulerDeps {
  signingKey: () => string;
  timeScale: number;
  /** Response deadline when the message sets no `Upstash-Timeout`. */
  defaultTimeoutMs: number;
  destinations: Destinations;
  queues: QueueStore;
  flowKeys: FlowControlKeys;
  events: EventLog;
  dlq: DeadLetterQueue;
  faults: DeliveryFaultQueue;
  log?: (line: string) => void;
  /** Called after every attempt that got an answer or an error (callbacks hang here). */
  afterAttempt?: (message: QStashMessage, result: AttemptResult) => void;
  /** Called once a message has landed in the DLQ (failure callbacks hang here). */
  afterDeadLetter?: (entry: DlqEntry) => void;
}

/** A function rather than an inline check: the state changes across awaits, which narrowing cannot see. */
function cancelled(m: QStashMessage): boolean {
  return m.state === "CANCELED";
}

export class DeliveryScheduler {
  private readonly messages = new Map<string, QStashMessage>();
  private readonly timers = new DueTimers();
  private readonly admission: Admission;
  private idleWaiters: Array<() => void> = [];
  private inFlight = 0;
  private closed = false;
  private readonly counts = { attempts: 0, successes: 0, failures: 0, dropped: 0, duplicated: 0, delayed: 0 };
  private deadLettered = 0;

  constructor(private readonly deps: SchedulerDeps) {
    this.admission = new Admission(deps.queues, deps.flowKeys);
  }

  /** Takes ownership of an accepted message and schedules its first attempt at `message.notBefore`. */
  add(message: QStashMessage): void {
    this.messages.set(message.messageId, message);
    this.deps.events.record(message, "CREATED");
    this.admission.register(message);
    this.schedule(message, message.notBefore - Date.now());
  }

  /** A message still waiting or being delivered (delivered, failed and cancelled ones are forgotten). */
  get(messageId: string): QStashMessage | undefined {
    return this.messages.get(messageId);
  }

  pendingIn(queueName: string): number {
    return [...this.messages.values()].filter((m) => m.queueName === queueName).length;
  }

  /** Cancels up to `count` pending messages matching `filter`, oldest first; returns how many. */
  cancelMatching(filter: Filter, count: number): number {
    const chosen = [...this.messages.values()]
      .filter((m) => !cancelled(m) && filter.matches(messageSubject(m)))
      .slice(0, count);
    for (const m of chosen) this.cancel(m.messageId);
    return chosen.length;
  }

  /** Cancels a waiting message (an attempt already in flight finishes, but no retry follows). */
  cancel(messageId: string): boolean {
    const message = this.messages.get(messageId);
    if (!message || cancelled(message)) return false;
    message.state = "CANCELED";
    this.deps.events.record(message, "CANCELED");
    if (this.timers.clear(messageId)) this.finish(message);
    return true;
  }

  /** Resolves once no message is waiting or in flight. */
  idle(): Promise<void> {
    if (this.messages.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  summary(): DeliverySummary {
    return {
      ...this.counts,
      deadLettered: this.deadLettered,
      pending: this.messages.size,
      inFlight: this.inFlight,
    };
  }

  close(): void {
    this.closed = true;
    this.timers.clearAll();
    this.admission.close();
    this.messages.clear();
    this.wakeIdle();
  }

  private schedule(message: QStashMessage, delayMs: number): void {
    this.timers.set(message.messageId, Date.now() + Math.max(0, delayMs), () => {
      this.attempt(message).catch((err: unknown) => {
        this.deps.log?.(`qstash ${message.messageId} internal error: ${(err as Error).message}`);
        this.finish(message);
      });
    });
  }

  private async attempt(message: QStashMessage): Promise<void> {
    if (this.closed || cancelled(message)) return this.finish(message);
    const retried = message.retried;
    const fault = this.deps.faults.take(message.url);
    if (fault?.kind === "drop") {
      this.counts.dropped += 1;
      this.deps.events.record(message, "DROPPED", {
        retried,
        error: "dropped by an injected delivery fault",
      });
      this.logAttempt(message, retried, "dropped by an injected delivery fault");
      return this.finish(message);
    }
    if (fault?.kind === "delay") {
      this.counts.delayed += 1;
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    let releases: Release[];
    try {
      releases = await this.admission.admit(message);
    } catch (err) {
      if (err instanceof GateClosedError) return this.finish(message);
      throw err;
    }
    if (this.closed || cancelled(message)) {
      for (const release of releases) release();
      return this.finish(message);
    }
    message.state = "ACTIVE";
    this.deps.events.record(message, "ACTIVE", { retried });
    const copies = fault?.kind === "duplicate" ? 2 : 1;
    if (copies > 1) this.counts.duplicated += 1;
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: copies }, () => this.send(message, retried)));
    for (const release of releases) release();
    message.retried += 1;
    const result = results.find(isSuccess) ?? results[0] ?? { error: "no attempt made" };
    this.settle(message, result, Date.now() - started);
    if (!this.closed) this.deps.afterAttempt?.(message, result);
  }

  private async send(message: QStashMessage, retried: number): Promise<AttemptResult> {
    this.counts.attempts += 1;
    this.inFlight += 1;
    try {
      return await this.deps.destinations.send({
        url: message.url,
        method: message.spec.method,
        headers: deliveryHeaders(message, this.deps.signingKey(), retried),
        ...(message.spec.method !== "GET" && { body: message.body }),
        timeoutMs: message.spec.timeoutMs ?? this.deps.defaultTimeoutMs,
      });
    } finally {
      this.inFlight -= 1;
    }
  }

  private settle(message: QStashMessage, result: AttemptResult, tookMs: number): void {
    if (this.closed) return;
    const retried = message.retried - 1;
    const status = result.status !== undefined ? { responseStatus: result.status } : {};
    const outcome = `${message.spec.method} ${message.url} -> ${describe(result)} in ${tookMs} ms`;
    if (isSuccess(result)) {
      this.counts.successes += 1;
      message.state = "DELIVERED";
      this.deps.events.record(message, "DELIVERED", { retried, ...status });
      this.logAttempt(message, retried, outcome);
      this.finish(message);
      return;
    }
    this.counts.failures += 1;
    if (cancelled(message)) {
      this.finish(message);
      return;
    }
    const error = result.error ?? `destination answered ${result.status}`;
    const canRetry = message.retried <= message.spec.retries && !isNonRetryable(result);
    if (canRetry) {
      // One instant for the wait hint, the event's time and its nextDeliveryTime, so they agree exactly.
      const now = Date.now();
      const delay = nextRetryDelayMs({
        attemptsMade: message.retried,
        retryDelay: message.spec.retryDelay?.delay,
        responseHeaders: result.headers,
        timeScale: this.deps.timeScale,
        nowMs: now,
      });
      message.state = "RETRY";
      const details = { time: now, retried, error, nextDeliveryTime: Math.round(now + delay) };
      this.deps.events.record(message, "RETRY", { ...details, ...status });
      this.logAttempt(message, retried, `${outcome}; retry in ${Math.round(delay)} ms`);
      this.schedule(message, now + delay - Date.now());
      return;
    }
    message.state = "FAILED";
    this.deadLettered += 1;
    const entry = this.deps.dlq.add(message, result);
    this.deps.events.record(message, "FAILED", { retried, error, ...status });
    this.logAttempt(message, retried, `${outcome}; moved to the DLQ`);
    this.finish(message);
    this.deps.afterDeadLetter?.(entry);
  }

  private logAttempt(message: QStashMessage, retried: number, text: string): void {
    const attempt = `attempt ${retried + 1}/${message.spec.retries + 1}`;
    this.deps.log?.(`qstash ${message.messageId} ${attempt} ${text}`);
  }

  private finish(message: QStashMessage): void {
    this.timers.clear(message.messageId);
    this.messages.delete(message.messageId);
    if (this.messages.size === 0) this.wakeIdle();
  }

  private wakeIdle(): void {
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
