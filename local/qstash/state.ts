/** Everything one QStash emulator holds in memory, shared by its routes. */
import type { DedupStore } from "./dedup";
import type { DeadLetterQueue } from "./dlq";
import type { EventLog } from "./events";
import type { FlowControlKeys } from "./flow-control";
import type { SigningKeys } from "./keys";
import type { PublishContext } from "./publish";
import type { QueueStore } from "./queues";
import type { DeliveryScheduler } from "./scheduler";
import type { ScheduleStore } from "./schedules";
import type { UrlGroupStore } from "./url-groups";

export interface QStashState extends PublishContext {
  token: string;
  keys: SigningKeys;
  groups: UrlGroupStore;
  queues: QueueStore;
  dedup: DedupStore;
  scheduler: DeliveryScheduler;
  events: EventLog;
  dlq: DeadLetterQueue;
  schedules: ScheduleStore;
  flowKeys: FlowControlKeys;
}
