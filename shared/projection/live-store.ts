/**
 * An adapter that follows whichever namespace is live (see namespace.ts): each call reads the pointer (cached per
 * isolate) and goes to that namespace's adapter, made once per namespace. For the command worker, whose reads and
 * write guards must follow a rebuild's switch without a redeploy.
 */

import type { RedisClient } from "../redis/client";
import { liveNamespace } from "./namespace";

/** `make(namespace)` for the live namespace of `base`, per call; every method of the adapter is forwarded. */
export function liveNamespaced<T extends object>(
  client: RedisClient,
  base: string,
  make: (namespace: string) => T,
): T {
  const first = make(base);
  const adapters = new Map<string, T>([[base, first]]);
  const current = async (): Promise<T> => {
    const namespace = await liveNamespace(client, base);
    let adapter = adapters.get(namespace);
    if (adapter === undefined) {
      adapter = make(namespace);
      adapters.set(namespace, adapter);
    }
    return adapter;
  };
  // Every method, forwarded to the live namespace's adapter: a method added to the port is covered too.
  return new Proxy(first, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const adapter = await current();
        const method: unknown = Reflect.get(adapter, property);
        if (typeof method !== "function") throw new TypeError(`the adapter has no ${String(property)}`);
        return (method as (...a: unknown[]) => unknown).apply(adapter, args);
      };
    },
  });
}
