/**
 * A FIFO admission gate for deliveries sharing a queue or a flow-control key: at most `parallelism`
 * attempts in flight and at most `rate` attempt starts per sliding `periodMs`. Waiters are admitted in
 * arrival order, which is what makes a parallelism-1 queue deliver first in, first out.
 */

export interface GateLimits {
  parallelism?: number;
  rate?: number;
  /** Window of `rate`, in ms. */
  periodMs: number;
  paused?: boolean;
}

/** Releases the slot taken by `acquire`; calling it twice is harmless. */
export type Release = () => void;

export class GateClosedError extends Error {}

export class Gate {
  private active = 0;
  private starts: number[] = [];
  private waiters: Array<{ admit: (release: Release) => void; reject: (err: Error) => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private limits: GateLimits) {}

  /** Replaces the limits (the latest publish for a flow-control key wins) and admits whoever now fits. */
  update(limits: GateLimits): void {
    this.limits = limits;
    this.pump();
  }

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Attempt starts within the current rate window, and when the oldest of them started. */
  rateWindow(now = Date.now()): { count: number; start: number } {
    this.starts = this.starts.filter((t) => t > now - this.limits.periodMs);
    return { count: this.starts.length, start: this.starts[0] ?? now };
  }

  /** Forgets the starts counted against the rate, as if the window had just begun. */
  resetRate(): void {
    this.starts = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  acquire(): Promise<Release> {
    return new Promise<Release>((admit, reject) => {
      this.waiters.push({ admit, reject });
      this.pump();
    });
  }

  /** Fails every waiter; used when the emulator stops. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0)) w.reject(new GateClosedError("emulator stopped"));
  }

  private pump(): void {
    const { parallelism, rate, periodMs, paused } = this.limits;
    while (this.waiters.length > 0 && !paused) {
      if (parallelism !== undefined && this.active >= parallelism) return;
      const now = Date.now();
      if (rate !== undefined) {
        this.starts = this.starts.filter((t) => t > now - periodMs);
        const oldest = this.starts[0];
        if (this.starts.length >= rate && oldest !== undefined) {
          this.wakeAt(oldest + periodMs - now);
          return;
        }
      }
      const waiter = this.waiters.shift();
      if (!waiter) return;
      this.active += 1;
      if (rate !== undefined) this.starts.push(now);
      let released = false;
      waiter.admit(() => {
        if (released) return;
        released = true;
        this.active -= 1;
        this.pump();
      });
    }
  }

  private wakeAt(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(1, ms),
    );
    this.timer.unref();
  }
}
