/**
 * `readBody`'s deadline: a body that is still arriving when the deadline passes is refused (408) and its stream
 * cancelled, whether it trickles or stalls, so a client cannot hold a request open by sending slowly. A body that
 * arrives in time is read whole, however many chunks it came in.
 */
import { describe, expect, it } from "vitest";
import { readBody } from "../../shared/http/body";

/** A request whose body sends `chunks`, then (unless `end`) never ends; `cancelled` resolves when it is cancelled. */
function streamed(chunks: string[], end: boolean) {
  let onCancel: () => void = () => {};
  const cancelled = new Promise<void>((resolve) => {
    onCancel = resolve;
  });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      if (end) controller.close();
    },
    cancel() {
      onCancel();
    },
  });
  const request = new Request("http://worker.test/", { method: "POST", body, duplex: "half" } as RequestInit);
  return { request, cancelled };
}

describe("readBody", () => {
  it("a body that arrives before the deadline: read whole", async () => {
    const { request } = streamed(['{"query"', ': "{ list { id } }"}'], true);

    expect(await readBody(request, 1024, 60_000)).toMatchObject({
      ok: true,
      text: '{"query": "{ list { id } }"}',
    });
  });

  it("a body still arriving at the deadline: 408, and its stream cancelled", async () => {
    const { request, cancelled } = streamed(['{"query"'], false);

    expect(await readBody(request, 1024, 50)).toEqual({
      ok: false,
      status: 408,
      reason: "body not received within 50 ms",
    });
    await cancelled;
  });

  it("a body trickled a byte at a time past the deadline: 408, whatever the pace between bytes", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        controller.enqueue(new Uint8Array([0x20]));
        sent++;
      },
    });
    const request = new Request("http://worker.test/", {
      method: "POST",
      body,
      duplex: "half",
    } as RequestInit);

    expect(await readBody(request, 1024 * 1024, 100)).toMatchObject({ ok: false, status: 408 });
    expect(sent).toBeGreaterThan(0);
  });
});
