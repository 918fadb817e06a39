/**
 * One-shot timers keyed by id, for instants that may be weeks away: setTimeout cannot wait longer than
 * about 24.8 days, so a later instant is reached in several steps. Timers do not keep the process alive.
 */

const MAX_TIMER_MS = 2 ** 31 - 1;

export class DueTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Calls `fire` at `dueAt` (unix ms; at once when past), replacing any timer under `id`. */
  set(id: string, dueAt: number, fire: () => void): void {
    this.clear(id);
    const arm = () => {
      const timer = setTimeout(step, Math.min(MAX_TIMER_MS, Math.max(0, dueAt - Date.now())));
      timer.unref();
      this.timers.set(id, timer);
    };
    const step = () => {
      // Timers may fire a millisecond early; only a wait cut short by the cap is re-armed.
      if (Date.now() < dueAt - 1) return arm();
      this.timers.delete(id);
      fire();
    };
    arm();
  }

  /** Cancels the timer under `id`; true when there was one. */
  clear(id: string): boolean {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    return this.timers.delete(id);
  }

  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
