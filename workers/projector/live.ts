/**
 * Live updates, the projector's part: after each applied batch that changed tasks of named lists, one notice to the
 * command worker's POST /live (`LIVE_URL`, with `Authorization: Bearer <LIVE_SECRET>`) naming the batch's position
 * and, per list, the tasks it changed; the command worker passes it to each list's hub, which reads the tasks and
 * tells its subscribers. Default-list tasks are never named (nobody subscribes to the default list). Unset
 * `LIVE_URL`: no notices. A notice that got no answer or a 5xx is sent once more, if the invocation's budget has
 * the subrequest: sending one twice is harmless (the hub reads the tasks as they are then), and the likeliest
 * failure is a kept-alive connection the command worker's end closed just as this one reused it. One that fails
 * again is logged: the fold has moved on, and a subscriber learns of the change by reading the list when its
 * subscription opens again, or with the task's next change.
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

/** How long a notice may take before it is given up (and logged, or sent once more). */
const NOTICE_TIMEOUT_MS = 5000;
/** The pause before a notice is sent again (a fresh connection, past a moment's hiccup). */
const AGAIN_AFTER_MS = 100;

export interface LiveNotices {
  /**
   * Sends a notice; one that got no answer or a 5xx is sent once more when `again()`, asked then, allows it (it
   * spends the subrequest). A refusal (4xx: a wrong secret, a notice it cannot read) is not sent again.
   */
  send(notice: LiveNotice, again?: () => boolean): Promise<void>;
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
  /** One attempt: undefined once delivered, else why not and whether sending it again may help. */
  const post = async (body: string): Promise<{ error: unknown; again: boolean } | undefined> => {
    try {
      const res = await fetcher(target, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body,
        // Bounded like every other call: a command worker that hangs does not hold the invocation.
        signal: AbortSignal.timeout(NOTICE_TIMEOUT_MS),
      });
      // The body is read (or dropped) so the connection can be reused.
      await res.body?.cancel();
      if (res.ok) return undefined;
      return { error: new Error(`POST /live answered ${res.status}`), again: res.status >= 500 };
    } catch (error) {
      return { error, again: true };
    }
  };
  return {
    async send(notice, again = () => false) {
      const body = JSON.stringify(notice);
      let failed = await post(body);
      if (failed?.again && again()) {
        await new Promise((resolve) => setTimeout(resolve, AGAIN_AFTER_MS));
        failed = await post(body);
      }
      if (failed) throw failed.error;
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
