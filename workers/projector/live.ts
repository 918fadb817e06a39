/**
 * Live updates, the projector's part: after each applied batch that changed tasks of named lists, one notice to the
 * command worker's POST /live (`LIVE_URL`, with `Authorization: Bearer <LIVE_SECRET>`) naming the batch's position
 * and, per list, the tasks it changed; the command worker passes it to each list's hub, which reads the tasks and
 * tells its subscribers. Default-list tasks are never named (nobody subscribes to the default list). Unset
 * `LIVE_URL`: no notices. A notice that fails is logged and not retried: the fold has moved on, and a subscriber
 * learns of the change by reading the list when its socket reconnects, or with the task's next change.
 */
import { type Bindings, binding, LOOPBACK_HOSTS } from "../../shared/config";
import { listOf, type TaskState } from "../../shared/domain";
import { ConfigError } from "../../shared/errors";

/** What one notice says: the namespace folded, the batch's last position (a consistency token), tasks per list. */
export interface LiveNotice {
  namespace: string;
  token: string;
  lists: Record<string, string[]>;
}

/** How long a notice may take before it is given up (and logged). */
const NOTICE_TIMEOUT_MS = 5000;

export interface LiveNotices {
  send(notice: LiveNotice): Promise<void>;
}

/** The notices' endpoint from `LIVE_URL` and `LIVE_SECRET`, or undefined when `LIVE_URL` is unset. */
export function liveNotices(env: Bindings, fetcher: typeof fetch = fetch): LiveNotices | undefined {
  const raw = binding(env, "LIVE_URL");
  if (raw === undefined || raw === null || raw === "") return undefined;
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new ConfigError("LIVE_URL", "must be the command worker's URL and /live");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)))
    throw new ConfigError("LIVE_URL", "must be an https URL (http only on a loopback host)");
  const secret = binding(env, "LIVE_SECRET");
  if (typeof secret !== "string" || secret.length < 16)
    throw new ConfigError(
      "LIVE_SECRET",
      "must be set, at least 16 characters, with LIVE_URL (the same on both workers)",
    );
  const target = url.toString();
  return {
    async send(notice) {
      const res = await fetcher(target, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify(notice),
        // Bounded like every other call: a command worker that hangs does not hold the invocation.
        signal: AbortSignal.timeout(NOTICE_TIMEOUT_MS),
      });
      // The body is read (or dropped) so the connection can be reused.
      await res.body?.cancel();
      if (!res.ok) throw new Error(`POST /live answered ${res.status}`);
    },
  };
}

/** The tasks of a batch per named list, from the states the fold left them in; undefined when none is named. */
export function changedLists(
  taskIds: readonly string[],
  states: ReadonlyMap<string, TaskState>,
): Record<string, string[]> | undefined {
  const lists: Record<string, string[]> = {};
  let any = false;
  for (const id of taskIds) {
    const state = states.get(id);
    const listId = state && listOf(state);
    if (listId === undefined) continue;
    const ids = lists[listId] ?? [];
    ids.push(id);
    lists[listId] = ids;
    any = true;
  }
  return any ? lists : undefined;
}
