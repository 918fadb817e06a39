/**
 * Queues (docs/protocols.md#queues): `POST /v2/enqueue/{queue}/{destination}` auto-creates a queue
 * with parallelism 1, which delivers first in, first out. Each queue owns a gate that its messages pass.
 */

import { badRequest } from "../errors";
import { Gate } from "./gate";
import { NamedStore } from "./named-store";
import { isValidName } from "./names";

export interface Queue {
  name: string;
  createdAt: number;
  updatedAt: number;
  parallelism: number;
  paused: boolean;
  gate: Gate;
}

export function checkQueueName(name: string): void {
  if (!isValidName(name))
    throw badRequest(`invalid queue name "${name}": use letters, digits, ".", "_" and "-" only`);
}

export class QueueStore extends NamedStore<Queue> {
  constructor() {
    super("queue", checkQueueName);
  }

  /** The queue, created with parallelism 1 when missing. */
  ensure(name: string, now = Date.now()): Queue {
    checkQueueName(name);
    const existing = this.items.get(name);
    if (existing) return existing;
    const queue: Queue = {
      name,
      createdAt: now,
      updatedAt: now,
      parallelism: 1,
      paused: false,
      gate: new Gate({ parallelism: 1, periodMs: 1000 }),
    };
    this.items.set(name, queue);
    return queue;
  }

  upsert(name: string, settings: { parallelism?: number; paused?: boolean }, now = Date.now()): Queue {
    const queue = this.ensure(name, now);
    if (settings.parallelism !== undefined) queue.parallelism = settings.parallelism;
    if (settings.paused !== undefined) queue.paused = settings.paused;
    queue.updatedAt = now;
    queue.gate.update({ parallelism: queue.parallelism, periodMs: 1000, paused: queue.paused });
    return queue;
  }

  override delete(name: string): Queue {
    const queue = super.delete(name);
    queue.gate.close();
    return queue;
  }

  close(): void {
    for (const q of this.items.values()) q.gate.close();
  }
}
