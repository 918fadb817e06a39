/** How a promise waiting on a later event is settled: a queued append once it is durable, a reply group once read. */
export interface Pending<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}
