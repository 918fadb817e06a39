/**
 * The QStash v2 emulator (docs/protocols.md#qstash): publish, enqueue and batch to URLs and URL groups,
 * signed delivery with retries, callbacks, deduplication, delays, flow control, schedules, the DLQ and
 * events, plus delivery fault injection for tests. State lives in memory; a restart forgets everything.
 * What it does not implement it refuses by name (see README.md).
 */
import { type ListenOptions, type RunningEmulator, startEmulator } from "../common/emulator";
import { createAdmin } from "./admin";
import type { QStashState } from "./context";
import { attemptCallback, failureCallback } from "./delivery/callbacks";
import { deliveryFaults } from "./delivery/faults";
import { DeliveryScheduler, type DeliverySummary } from "./delivery/scheduler";
import { Destinations } from "./delivery/send";
import { ScheduleStore } from "./publish/schedules";
import { createHandler, endpointName } from "./router";
import { DedupStore } from "./state/dedup";
import { DeadLetterQueue } from "./state/dlq";
import { EventLog } from "./state/events";
import { FlowControlKeys } from "./state/flow-control";
import { SigningKeys } from "./state/keys";
import { QueueStore } from "./state/queues";
import { UrlGroupStore } from "./state/url-groups";

export interface QStashEmulatorOptions extends ListenOptions {
  /** The bearer token clients must send (`QSTASH_TOKEN`). */
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  /**
   * Multiplies retry backoff only (default 1; tests use e.g. 0.001). Explicit delays, flow-control periods
   * and schedules run on the real clock, as the client asked.
   */
  timeScale?: number;
  /** Response deadline for deliveries without `Upstash-Timeout`, in ms (default 30 s, not scaled). */
  deliveryTimeoutMs?: number;
  /** Receives one line per delivery attempt. */
  log?: (line: string) => void;
}

export type RunningQStashEmulator = RunningEmulator & {
  /** Resolves when no delivery is pending or in flight. */
  idle(): Promise<void>;
  /** Delivery counters (also at `GET /__emulator/deliveries`). */
  deliveries(): DeliverySummary;
  /** The signing keys as they are now (they change on `POST /v2/keys/rotate`). */
  signingKeys(): { current: string; next: string };
};

const DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;

export async function startQStashEmulator(opts: QStashEmulatorOptions): Promise<RunningQStashEmulator> {
  const timeScale = opts.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale < 0)
    throw new Error("timeScale must be a non-negative number");
  const keys = new SigningKeys(opts.currentSigningKey, opts.nextSigningKey);
  const queues = new QueueStore();
  const flowKeys = new FlowControlKeys();
  const events = new EventLog();
  const dlq = new DeadLetterQueue();
  const faults = deliveryFaults();
  const destinations = new Destinations();
  const scheduler = new DeliveryScheduler({
    signingKey: () => keys.current,
    timeScale,
    defaultTimeoutMs: opts.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS,
    destinations,
    queues,
    flowKeys,
    events,
    dlq,
    faults,
    ...(opts.log && { log: opts.log }),
    afterAttempt: (message, result) => {
      const callback = attemptCallback(message, result);
      if (callback) scheduler.add(callback);
    },
    afterDeadLetter: (entry) => {
      const callback = failureCallback(entry);
      if (callback) scheduler.add(callback);
    },
  });
  const publishing = { groups: new UrlGroupStore(), queues, dedup: new DedupStore(), scheduler };
  const schedules = new ScheduleStore(publishing, opts.log);
  const state: QStashState = { ...publishing, token: opts.token, keys, events, dlq, schedules, flowKeys };
  const emulator = await startEmulator(
    {
      name: "qstash",
      handle: createHandler(state),
      endpoint: endpointName,
      admin: createAdmin(faults, scheduler, schedules),
    },
    { port: opts.port, ...(opts.host !== undefined && { host: opts.host }) },
  );
  return {
    ...emulator,
    idle: () => scheduler.idle(),
    deliveries: () => scheduler.summary(),
    signingKeys: () => keys.toJSON(),
    async close() {
      schedules.close();
      scheduler.close();
      queues.close();
      destinations.close();
      await emulator.close();
    },
  };
}
