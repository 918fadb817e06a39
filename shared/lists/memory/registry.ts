/** The list registry in memory, for specifications. */
import type { ListRecord, ListRegistry } from "../port";

export function createMemoryListRegistry(): ListRegistry & {
  lists: Map<string, ListRecord>;
  purged: Set<string>;
} {
  const lists = new Map<string, ListRecord>();
  const views = new Map<string, string>();
  const purged = new Set<string>();
  return {
    lists,
    purged,
    async purge(list) {
      if (lists.get(list.id)?.viewId !== list.viewId) return false;
      lists.delete(list.id);
      views.delete(list.viewId);
      purged.add(list.id);
      return true;
    },
    async register(list) {
      if (lists.has(list.id) || views.has(list.viewId) || purged.has(list.id)) return false;
      lists.set(list.id, { ...list });
      views.set(list.viewId, list.id);
      return true;
    },
    async unregister(list) {
      lists.delete(list.id);
      views.delete(list.viewId);
    },
    async open(capability) {
      if (purged.has(capability)) return { mode: "purged", id: capability };
      const own = lists.get(capability);
      if (own) return { mode: "edit", list: { ...own } };
      const id = views.get(capability);
      const viewed = id === undefined ? undefined : lists.get(id);
      return viewed ? { mode: "view", list: { ...viewed } } : undefined;
    },
  };
}
