/**
 * Live updates: while the list is shown, a socket to the server (the `graphql-ws` client, subscription
 * `listChanged`) brings every change made elsewhere (another tab, browser or device) as soon as the server has it.
 * Each time the socket (re)connects, the list is read once to catch up on what was missed while it was down; while
 * it is down the app says so and looks again now and then.
 */
import { type Client, createClient } from "graphql-ws";
import type { RemoteChange } from "./sync";

export type LiveState = "connecting" | "live" | "down";

const SUBSCRIBE = `subscription Live($listId: String!) {
  listChanged(listId: $listId) { token deleted tasks { id text done version } }
}`;

/** Closes that say the list is gone for good (purged, or no list has this link): no point reconnecting. */
const GONE = new Set([4403, 4404]);

export interface LiveEvents {
  state(state: LiveState): void;
  /** The socket is (re)connected: read the list to catch up on what it missed. */
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
      connected: () => {
        on.state("live");
        on.connected();
      },
      closed: () => {
        if (gone) on.gone();
        else on.state("down");
      },
    },
  });
  const unsubscribe = client.subscribe<{ listChanged: RemoteChange }>(
    { query: SUBSCRIBE, variables: { listId: listKey }, operationName: "Live" },
    {
      next: (result) => {
        if (result.data) on.change(result.data.listChanged);
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
