/**
 * localStorage that never throws. A browser may block it (site data off: even reading `window.localStorage`
 * throws) or refuse a write (quota full). The app then keeps working in memory: a value storage did not take is
 * kept here, in this page only, and `problem` says why, so the page can tell the person that what is not sent yet
 * will not survive a reload. A later write that storage takes clears the problem.
 */
export type StorageProblem = "blocked" | "full";

export class SafeStorage implements Storage {
  /** Values storage did not take: read before storage's own, lost with the page. */
  private readonly memory = new Map<string, string>();
  private trouble: StorageProblem | undefined;

  constructor(
    private readonly real: Storage | undefined,
    private readonly onProblem: (problem: StorageProblem | undefined) => void = () => {},
  ) {
    if (!real) this.trouble = "blocked";
  }

  /** The page's localStorage, or memory alone when the browser blocks it. */
  static open(onProblem?: (problem: StorageProblem | undefined) => void): SafeStorage {
    let real: Storage | undefined;
    try {
      real = window.localStorage;
      // Some browsers hand out the object and refuse at the first use.
      real.getItem("todos-es-cqrs:probe");
    } catch {
      real = undefined;
    }
    return new SafeStorage(real, onProblem);
  }

  /** Why some of what this page holds is not in storage, if it is not. */
  get problem(): StorageProblem | undefined {
    return this.trouble;
  }

  /** Whether `key`'s value is kept only in this page (storage did not take it). */
  onlyInMemory(key: string): boolean {
    return this.memory.has(key);
  }

  get length(): number {
    return this.keys().length;
  }

  key(index: number): string | null {
    return this.keys()[index] ?? null;
  }

  /** Every key, storage's and memory's. */
  keys(): string[] {
    const keys = new Set(this.memory.keys());
    try {
      if (this.real) for (let i = 0; i < this.real.length; i++) keys.add(this.real.key(i) ?? "");
    } catch {
      // Unreadable storage: memory alone.
    }
    keys.delete("");
    return [...keys];
  }

  getItem(key: string): string | null {
    const kept = this.memory.get(key);
    if (kept !== undefined) return kept;
    try {
      return this.real?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  /** Stores `value`; answers whether storage took it (if not, this page keeps it). */
  setItem(key: string, value: string): boolean {
    if (this.real) {
      try {
        this.real.setItem(key, value);
        this.memory.delete(key);
        if (this.trouble === "full" && this.memory.size === 0) this.report(undefined);
        return true;
      } catch {
        // Over quota (or refused): kept in memory below.
      }
    }
    this.memory.set(key, value);
    this.report(this.real ? "full" : "blocked");
    return false;
  }

  removeItem(key: string): void {
    this.memory.delete(key);
    try {
      this.real?.removeItem(key);
    } catch {
      // Nothing to free.
    }
  }

  clear(): void {
    this.memory.clear();
    try {
      this.real?.clear();
    } catch {
      // Nothing to free.
    }
  }

  private report(problem: StorageProblem | undefined): void {
    if (problem === this.trouble) return;
    this.trouble = problem;
    this.onProblem(problem);
  }
}
