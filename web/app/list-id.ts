/**
 * Which list this browser shows. A share link (`/?list=<id>`) wins and is remembered; otherwise the list this
 * browser used last; otherwise (a browser with empty storage, or `/?new`) a fresh list of its own. The address
 * bar then always carries `?list=`, so it is itself the share link.
 */
import { isListId, randomId } from "./ids";

const STORAGE_KEY = "todos-es-cqrs:list";

export function chooseListId(location: Location, storage: Storage): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("list");
  let listId: string;
  if (isListId(fromUrl)) listId = fromUrl;
  else {
    const stored = storage.getItem(STORAGE_KEY);
    listId = !params.has("new") && isListId(stored) ? stored : randomId();
  }
  storage.setItem(STORAGE_KEY, listId);
  return listId;
}

/** The share link of a list, keeping the current route (`#/active`, ...). */
export function shareUrl(location: Location, listId: string): string {
  return `${location.origin}/?list=${encodeURIComponent(listId)}${location.hash}`;
}
