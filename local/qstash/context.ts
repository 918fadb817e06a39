/** Everything one QStash emulator holds in memory, shared by its routes. */

import type { DeliveryScheduler } from "./delivery/scheduler";
import type { PublishContext } from "./publish/accept";
import type { ScheduleStore } from "./publish/schedules";
import type { DedupStore } from "./state/dedup";
import type { DeadLetterQueue } from "./state/dlq";
import type { EventLog } from "./state/events";
import type { FlowControlKeys } from "./state/flow-control";
import type { SigningKeys } from "./state/keys";
import type { QueueStore } from "./state/queues";
import type { UrlGroupStore } from "./state/url-groups";

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
