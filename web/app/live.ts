/**
 * Live updates: while the list is shown, a socket to the server (the `graphql-ws` client, subscription
 * `listChanged`) brings every change made elsewhere (another tab, browser or device) as soon as the server has it.
 * Each time the subscription is (re)opened, the list is read once to catch up on what was missed while it was down;
 * while it is down the app says so and looks again now and then.
 */
import { type Client, createClient } from "graphql-ws";
import type { RemoteChange } from "./sync";

export type LiveState = "connecting" | "live" | "down";

const SUBSCRIBE = `subscription Live($listId: String!) {
  listChanged(listId: $listId) { token deleted tasks { id text done version } }
}`;

/** A message of the subscription: a change, or the opening one (no token, nothing changed). */
type Message = Omit<RemoteChange, "token"> & { token: string | null };

/** Closes that say the list is gone for good (purged, or no list has this link): no point reconnecting. */
const GONE = new Set([4403, 4404]);

export interface LiveEvents {
  state(state: LiveState): void;
  /**
   * The subscription is (re)opened: every change from now on arrives, so read the list to catch up on what came
   * before. Not at the socket's ack: the server may not have the subscription yet, and a change it is told of in
   * between would be in neither the read nor the socket.
   */
  connected(): void;
  change(change: RemoteChange): void;
  /** The server closed the socket because the list no longer exists. */
  gone(): void;
}

/** Subscribes to the list `listKey` opens (its id or view id); answers how to stop. */
export function connectLive(listKey: string, on: LiveEvents): () => void {
  const url = new URL("/graphql", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("listId", listKey);
  let gone = false;
  on.state("connecting");
  const client: Client = createClient({
    url: url.toString(),
    lazy: false,
    keepAlive: 20_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    // A capped backoff: a server back after an outage is found within about 10 s.
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries)));
    },
    shouldRetry: (event) => {
      const code = (event as { code?: unknown } | null)?.code;
      if (typeof code === "number" && GONE.has(code)) {
        gone = true;
        return false;
      }
      return true;
    },
    onNonLazyError: () => undefined,
    on: {
      closed: () => {
        if (gone) on.gone();
        else on.state("down");
      },
    },
  });
  const unsubscribe = client.subscribe<{ listChanged: Message }>(
    { query: SUBSCRIBE, variables: { listId: listKey }, operationName: "Live" },
    {
      next: (result) => {
        const change = result.data?.listChanged;
        if (!change) return;
        const { token, tasks, deleted } = change;
        // The opening message (no position, nothing changed): sent when the server took the subscription.
        if (token === null) {
          on.state("live");
          on.connected();
        } else on.change({ token, tasks, deleted });
      },
      error: (error) => console.warn("live updates:", error),
      complete: () => undefined,
    },
  );
  return () => {
    unsubscribe();
    void client.dispose();
  };
}
