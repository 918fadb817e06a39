/**
 * What the emulator keeps by name or id (URL groups, queues, schedules): looked up, listed and deleted alike,
 * a missing one a 404 naming what it is, a malformed key a 400 before it is looked up.
 */
import { QStashRequestError } from "../errors";

export class NamedStore<T> {
  protected readonly items = new Map<string, T>();

  /** `kind` names the thing in a 404 (`queue q1 not found`); `checkKey` refuses a malformed key with a 400. */
  constructor(
    private readonly kind: string,
    private readonly checkKey: (key: string) => void = () => {},
  ) {}

  /** The item, or a 404 `QStashRequestError`. */
  get(key: string): T {
    this.checkKey(key);
    const item = this.items.get(key);
    if (!item) throw new QStashRequestError(404, `${this.kind} ${key} not found`);
    return item;
  }

  list(): T[] {
    return [...this.items.values()];
  }

  /** Removes the item (a 404 when absent) and returns it. */
  delete(key: string): T {
    const item = this.get(key);
    this.items.delete(key);
    return item;
  }
}
