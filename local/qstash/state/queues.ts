/**
 * Queues (protocol reference C.4.4 and C.6): `POST /v2/enqueue/{queue}/{destination}` auto-creates a queue
 * with parallelism 1, which delivers first in, first out. Each queue owns a gate that its messages pass.
 */

import { Gate } from "../delivery/gate";
import { badRequest, QStashRequestError } from "../errors";
import { isValidName } from "../publish/destination";

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

export class QueueStore {
  private queues = new Map<string, Queue>();

  /** The queue, created with parallelism 1 when missing. */
  ensure(name: string, now = Date.now()): Queue {
    checkQueueName(name);
    const existing = this.queues.get(name);
    if (existing) return existing;
    const queue: Queue = {
      name,
      createdAt: now,
      updatedAt: now,
      parallelism: 1,
      paused: false,
      gate: new Gate({ parallelism: 1, periodMs: 1000 }),
    };
    this.queues.set(name, queue);
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

  get(name: string): Queue {
    checkQueueName(name);
    const queue = this.queues.get(name);
    if (!queue) throw new QStashRequestError(404, `queue ${name} not found`);
    return queue;
  }

  list(): Queue[] {
    return [...this.queues.values()];
  }

  delete(name: string): void {
    const queue = this.get(name);
    queue.gate.close();
    this.queues.delete(name);
  }

  close(): void {
    for (const q of this.queues.values()) q.gate.close();
  }
}
