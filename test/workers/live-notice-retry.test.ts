/**
 * A live notice whose connection is lost on the way is sent once more, so a subscriber still gets the change. The
 * projector's LIVE_URL points at a proxy in front of the command worker's POST /live that, once armed, closes the
 * connection of the next notice without answering (workerd reports "Network connection lost", as when the command
 * worker's end closes a kept-alive connection the projector reuses), and passes every other one on.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startSystem, type TestSystem } from "../support/system";
import { eventually } from "./support/command-support";

let sys: TestSystem | undefined;
let proxy: Server | undefined;
/** Notices the proxy closed without answering, and those it passed on. */
const seen = { dropped: 0, passed: 0, armed: false };

beforeAll(async () => {
  let commandUrl = "";
  proxy = createServer((req, res) => {
    if (seen.armed) {
      seen.armed = false;
      seen.dropped++;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      fetch(`${commandUrl}/live`, {
        method: "POST",
        headers: { authorization: req.headers.authorization ?? "", "content-type": "application/json" },
        body: Buffer.concat(chunks),
      })
        .then(async (answer) => {
          seen.passed++;
          res.writeHead(answer.status).end(await answer.text());
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => proxy?.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  sys = await startSystem({ live: true, projectorBindings: { LIVE_URL: `http://127.0.0.1:${port}/live` } });
  commandUrl = sys.commandUrl;
});

afterAll(async () => {
  await sys?.close();
  await new Promise((resolve) => proxy?.close(resolve));
});

describe("a live notice lost on its way", () => {
  it("is sent once more, and the subscriber gets the change", async () => {
    const s = sys as TestSystem;
    const minted = await s.graphql('mutation { createList(title: "retried") { id } }');
    const listId: string = minted.body.data.createList.id;
    const received: Array<{ token: string | null; tasks: Array<{ text: string }> }> = [];
    const client = createClient({
      url: `${s.commandUrl.replace(/^http/, "ws")}/graphql?listId=${listId}`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
    });
    client.subscribe<{ listChanged: (typeof received)[number] }>(
      {
        query: "subscription ($listId: String!) { listChanged(listId: $listId) { token tasks { text } } }",
        variables: { listId },
      },
      {
        next: (r) => r.data && received.push(r.data.listChanged),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      // The opening message: the hub holds the subscription.
      await eventually(async () => (received.length > 0 ? true : undefined), "the opening message");
      seen.armed = true;
      const created = await s.graphql(
        "mutation ($text: String!, $listId: String) { createTask(text: $text, listId: $listId) { id } }",
        { text: "told twice", listId },
      );
      expect(created.body.errors).toBeUndefined();

      await eventually(
        async () => (received.some((c) => c.tasks.some((t) => t.text === "told twice")) ? true : undefined),
        "the change, over the socket",
      );
      expect(seen).toMatchObject({ dropped: 1, armed: false });
      expect(seen.passed).toBeGreaterThanOrEqual(1);
    } finally {
      await client.dispose();
    }
  });
});
