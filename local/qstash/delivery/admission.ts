/**
 * Admission of delivery attempts: a message in a queue passes its queue's gate, and a message with a
 * flow-control key passes that key's gate (see state/flow-control.ts).
 */
import type { FlowControlKeys } from "../state/flow-control";
import type { Release } from "../state/gate";
import type { QStashMessage } from "../state/message";
import type { QueueStore } from "../state/queues";

export class Admission {
  constructor(
    private readonly queues: QueueStore,
    private readonly flowKeys: FlowControlKeys,
  ) {}

  /** Applies the message's flow-control limits to its key (creating the key on first use). */
  register(message: QStashMessage): void {
    const fc = message.spec.flowControl;
    if (fc) this.flowKeys.register(fc);
  }

  /**
   * Takes the queue's slot, then the flow-control key's (always in that order, so no two waits deadlock).
   * A slot is held for one attempt only: a message waiting to be retried does not block its queue.
   * Rejects with `GateClosedError` when the queue is deleted or the emulator stops.
   */
  async admit(message: QStashMessage): Promise<Release[]> {
    const releases: Release[] = [];
    try {
      if (message.queueName !== undefined)
        releases.push(await this.queues.ensure(message.queueName).gate.acquire());
      const key = message.spec.flowControl?.key;
      const gate = key === undefined ? undefined : this.flowKeys.gate(key);
      if (gate) releases.push(await gate.acquire());
      return releases;
    } catch (err) {
      for (const release of releases) release();
      throw err;
    }
  }

  close(): void {
    this.flowKeys.close();
  }
}
