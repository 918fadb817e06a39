/**
 * Wakes long-polling readers (fetch, consume) when records become visible in a partition, so that they
 * answer as soon as data arrives instead of sleeping out their whole timeout.
 */
type Interest = (topic: string, partition: number) => boolean;

interface Waiter {
  interest: Interest;
  wake: () => void;
}

export class AppendSignal {
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  /**
   * Resolves at the first append that `interest` accepts, or after `ms`, whichever comes first; resolves
   * `false` (at once, or when it happens) once the signal is closed, so that pollers stop instead of spinning.
   */
  wait(interest: Interest, ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        interest,
        wake: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(!this.closed);
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      this.waiters.add(waiter);
    });
  }

  notify(topic: string, partition: number): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.interest(topic, partition)) waiter.wake();
    }
  }

  /** Releases every waiter now and every later one immediately: the emulator is shutting down. */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.wake();
  }
}
