/**
 * The projector's live notices, over a stand-in for the command worker's POST /live: what is sent once more and
 * what is not. test/workers/live-notice-retry.test.ts checks the same in workerd, with a connection really lost.
 */
import { describe, expect, test } from "vitest";
import { liveNotices } from "../../workers/projector/live";

const env = { LIVE_URL: "http://127.0.0.1:8787/live", LIVE_SECRET: "a-secret-of-sixteen-chars" };
const notice = { namespace: "todo", token: "0:7", lists: { L: ["t1"] } };

/** POST /live answering each of `answers` in turn: a status, or a lost connection. */
function endpoint(...answers: Array<number | "lost">) {
  const calls: string[] = [];
  const fetcher = (async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push(String(init?.body));
    const answer = answers[calls.length - 1] ?? 200;
    if (answer === "lost") throw new Error("Network connection lost.");
    return new Response(null, { status: answer });
  }) as typeof fetch;
  const notices = liveNotices(env, fetcher);
  if (!notices) throw new Error("LIVE_URL is set: notices expected");
  return { notices, calls };
}

describe("live notices", () => {
  test.each([
    ["a lost connection", "lost" as const],
    ["a 503", 503],
  ])("after %s, the notice is sent once more, the same, when the budget allows", async (_, first) => {
    const { notices, calls } = endpoint(first, 200);
    let asked = 0;
    await notices.send(notice, () => ++asked > 0);
    expect(asked).toBe(1);
    expect(calls).toEqual([JSON.stringify(notice), JSON.stringify(notice)]);
  });

  test("not when the budget has no subrequest left: the failure is the answer", async () => {
    const { notices, calls } = endpoint("lost");
    await expect(notices.send(notice, () => false)).rejects.toThrow("Network connection lost.");
    expect(calls).toHaveLength(1);
  });

  test("a refusal is not sent again", async () => {
    const { notices, calls } = endpoint(401);
    await expect(notices.send(notice, () => true)).rejects.toThrow("POST /live answered 401");
    expect(calls).toHaveLength(1);
  });

  test("a second failure is the answer: twice at most", async () => {
    const { notices, calls } = endpoint("lost", 502, 200);
    await expect(notices.send(notice, () => true)).rejects.toThrow("POST /live answered 502");
    expect(calls).toHaveLength(2);
  });
});
