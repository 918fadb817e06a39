/**
 * The projection store of whichever namespace is live (see namespace.ts): each call reads the pointer (cached per
 * isolate) and goes to that namespace's store, with the write guards under the base prefix. For the command
 * worker, whose reads and writes must follow a rebuild's switch without a redeploy.
 */
import { liveNamespace } from "./namespace";
import type { Redis } from "./redis";
import { createProjectionStore, type ProjectionStore, type ProjectionStoreConfig } from "./store";

export function createLiveProjectionStore(config: ProjectionStoreConfig, redis: Redis): ProjectionStore {
  const base = createProjectionStore(config, redis);
  const stores = new Map<string, ProjectionStore>([[config.prefix, base]]);
  const current = async (): Promise<ProjectionStore> => {
    const namespace = await liveNamespace(redis, config.prefix, config.timeoutMs ?? 5000);
    let store = stores.get(namespace);
    if (store === undefined) {
      store = createProjectionStore({ ...config, prefix: namespace, guardPrefix: config.prefix }, redis);
      stores.set(namespace, store);
    }
    return store;
  };
  // Every method of the store, forwarded to the live namespace's: a method added to the store is covered too.
  return new Proxy(base, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const store = await current();
        const method: unknown = Reflect.get(store, property);
        if (typeof method !== "function") throw new TypeError(`the store has no ${String(property)}`);
        return (method as (...a: unknown[]) => unknown).apply(store, args);
      };
    },
  });
}
