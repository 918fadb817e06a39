/**
 * The rate limits as deployed, black-box: both workers in workerd with the wrangler files' own numbers (the
 * harness otherwise makes them generous), each client told apart by `CF-Connecting-IP` as Cloudflare sets it
 * (Miniflare keeps a client's own). Miniflare counts each bucket per window of `period` seconds aligned on the
 * clock, so a run that crosses windows may pass up to `limit` more per window crossed: each bound below is
 * `limit` per window the run touched, whatever the machine's load. The decisions one by one, in process:
 * test/command-service/rate-limits.test.ts and test/projector/rate-limits.test.ts.
 */
import { describe, expect, it } from "vitest";
import { wranglerRateLimits } from "../../local/workerd/rate-limits";
import { sign } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ rateLimits: "wrangler" });

function bucket(file: string, name: string) {
  const found = wranglerRateLimits(file).find((r) => r.name === name);
  if (!found) throw new Error(`${file} declares no ${name}`);
  return found;
}
const REQUESTS = bucket("wrangler.command.toml", "REQUEST_LIMITER");
const MUTATIONS = bucket("wrangler.command.toml", "MUTATION_LIMITER");
const STATUS = bucket("wrangler.projector.toml", "REQUEST_LIMITER");

/** The windows of `period` seconds that the time from `start` to now touched. */
const windowsSince = (start: number, period: number) =>
  Math.floor(Date.now() / (period * 1000)) - Math.floor(start / (period * 1000)) + 1;

/** A client address of the test's own (TEST-NET-3): no test spends another's buckets. */
let clients = 0;
const newClient = () => `203.0.113.${++clients}`;

const rateLimited = (what: string) => ({
  errors: [
    {
      message: `Too many ${what} from your address: wait 10 s and try again.`,
      extensions: { code: "RATE_LIMITED" },
    },
  ],
});

/**
 * Sends `send()` one at a time until it answers 429 (at most `cap` times): how many passed before, the refusal,
 * and the windows the run touched.
 */
async function untilRefused<A extends { status: number }>(send: () => Promise<A>, cap: number) {
  const start = Date.now();
  for (let passed = 0; passed < cap; passed++) {
    const answer = await send();
    if (answer.status === 429) return { passed, refusal: answer, windows: windowsSince(start, 10) };
    expect(answer.status).toBe(200);
  }
  throw new Error(`no 429 after ${cap} requests`);
}

describe("rate limits, with the wrangler files' numbers", () => {
  it("graphql: 1,000 mutations from one address at once meet 429s with Retry-After; another address still writes, and reads from the first still pass", async () => {
    const client = newClient();
    // A list of the test's own, minted from another address so that the burst's address starts untouched.
    const minted = await sys().graphql(
      "mutation { createList { id } }",
      {},
      { "cf-connecting-ip": newClient() },
    );
    const listId: string = minted.body.data.createList.id;
    const five = Array.from(
      { length: 5 },
      (_, i) => `m${i}: createTask(text: "t", listId: "${listId}") { id }`,
    );
    const start = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        sys().graphql(`mutation { ${five.join(" ")} }`, {}, { "cf-connecting-ip": client }),
      ),
    );
    const windows = windowsSince(start, MUTATIONS.period);
    const refused = answers.filter((a) => a.status === 429);
    const ran = answers.filter((a) => a.status === 200);
    expect(refused.length + ran.length).toBe(200);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) {
      expect(a.headers.get("retry-after")).toBe("10");
      expect(a.body).toEqual(rateLimited("mutations"));
    }
    for (const a of ran) {
      expect(a.body.errors).toBeUndefined();
      expect(Object.keys(a.body.data ?? {})).toHaveLength(5);
    }
    expect(ran.length * 5).toBeLessThanOrEqual(MUTATIONS.limit * windows);

    const other = await sys().graphql(`mutation { ${five[0]} }`, {}, { "cf-connecting-ip": newClient() });
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ data: { m0: { id: expect.any(String) } } });
    // The other address's write is the last: a read after its token shows every write of the first.
    const read = await sys().graphql(
      "query ($l: String, $t: String) { list(listId: $l, after: $t, limit: 500) { id } }",
      { l: listId, t: other.headers.get("x-consistency-token") },
      { "cf-connecting-ip": client },
    );
    expect(read.status).toBe(200);
    expect(read.body.data.list).toHaveLength(ran.length * 5 + 1);
  });

  it(`graphql: one address gets ${MUTATIONS.limit} mutations per ${MUTATIONS.period} s, refused ones counted`, async () => {
    const client = newClient();
    // Refused by the domain before any write: the limit counts a mutation once its document is valid.
    const { passed, refusal, windows } = await untilRefused(
      () => sys().graphql('mutation { createTask(text: "") { id } }', {}, { "cf-connecting-ip": client }),
      MUTATIONS.limit * 4,
    );
    expect(passed).toBeGreaterThanOrEqual(MUTATIONS.limit);
    expect(passed).toBeLessThanOrEqual(MUTATIONS.limit * windows);
    expect(refusal.body).toEqual(rateLimited("mutations"));
  });

  it(`graphql: one address gets ${REQUESTS.limit} requests per ${REQUESTS.period} s, reads included`, async () => {
    const client = newClient();
    const { passed, refusal, windows } = await untilRefused(
      () => sys().graphql("{ __typename }", {}, { "cf-connecting-ip": client }),
      REQUESTS.limit * 4,
    );
    expect(passed).toBeGreaterThanOrEqual(REQUESTS.limit);
    expect(passed).toBeLessThanOrEqual(REQUESTS.limit * windows);
    expect(refusal.headers.get("retry-after")).toBe("10");
    expect(refusal.body).toEqual(rateLimited("requests"));
    const other = await sys().graphql("{ __typename }", {}, { "cf-connecting-ip": newClient() });
    expect(other.status).toBe(200);
  });

  it(`status: one address gets ${STATUS.limit} per ${STATUS.period} s; a signed poke from it still folds`, async () => {
    const client = newClient();
    const status = async (from: string) => {
      const res = await fetch(`${sys().projectorUrl}/status`, { headers: { "cf-connecting-ip": from } });
      return { status: res.status, headers: res.headers, body: await res.json() };
    };
    const { passed, refusal, windows } = await untilRefused(() => status(client), STATUS.limit * 4);
    expect(passed).toBeGreaterThanOrEqual(STATUS.limit);
    expect(passed).toBeLessThanOrEqual(STATUS.limit * windows);
    expect(refusal.headers.get("retry-after")).toBe("10");
    expect(refusal.body).toEqual({
      error: "too many requests from your address: wait 10 s and try again",
      code: "RATE_LIMITED",
    });
    expect((await status(newClient())).status).toBe(200);

    const webhook = `${sys().projectorUrl}/projection`;
    const body = "{}";
    const poke = await fetch(webhook, {
      method: "POST",
      headers: {
        "cf-connecting-ip": client,
        "upstash-signature": sign({ key: sys().env.QSTASH_CURRENT_SIGNING_KEY ?? "", url: webhook, body }),
      },
      body,
    });
    expect(poke.status).toBe(200);
  });
});
