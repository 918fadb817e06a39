/** Requests counted per endpoint name, for `/__emulator/stats` and the tests that count round trips. */
export class RequestCounters {
  private readonly counts = new Map<string, number>();

  count(endpoint: string): void {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }

  /** Every endpoint's count, in the order they were first seen. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Every endpoint's count by name, and their total. */
  report(): { requests: Record<string, number>; total: number } {
    const requests = Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    return { requests, total };
  }

  clear(): void {
    this.counts.clear();
  }
}
