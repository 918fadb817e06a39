/**
 * The projector's HTTP surface: `/health`, and `POST /projection` as a QStash webhook that only correctly
 * signed requests get through (docs/guarantees.md#only-signed-pokes-fold). A rejected request folds nothing: the events
 * waiting in the log stay unprojected and the checkpoint stays where it was.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendOpenStream } from "../support/open-stream";
import {
  expectProjectionOfLog,
  newTaskId,
  produceEvents,
  readProjection,
  taskLife,
} from "./support/projector-model";
import {
  caughtUpProgress,
  currentKey,
  get,
  nextKey,
  type Projector,
  poke,
  sign,
  startProjector,
  status,
} from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

/** A projector with two events waiting in its log: a request that gets through folds them. */
async function projectorWithBacklog(): Promise<Projector> {
  const p = await startProjector(sys());
  await produceEvents(p, taskLife(newTaskId(), 1));
  return p;
}

async function expectNothingFolded(p: Projector): Promise<void> {
  expect((await status(p)).partitions).toEqual([
    { partition: 0, checkpoint: 0, head: 2, lag: 2, deadLettered: 0 },
  ]);
  expect(await readProjection(p)).toMatchObject({ states: {}, checkpoints: {} });
}

const caughtUpAnswer = {
  caughtUp: true,
  partitions: [caughtUpProgress(0, 2, { applied: 2 })],
  ownedElsewhere: false,
};

describe("health", () => {
  it("health: answers 200 with the worker's name", async () => {
    const res = await get(`${sys().projectorUrl}/health`);

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { ok: true, worker: "projector" },
    });
  });
});

const signedBody = '{"partition":0,"offset":0,"reason":"append"}';
const now = () => Math.floor(Date.now() / 1000);
const badSignatures: Array<[string, (p: Projector) => string | null, string | RegExp]> = [
  ["no Upstash-Signature header", () => null, "invalid signature: missing Upstash-Signature header"],
  [
    "a token signed with a key that is neither current nor next",
    (p) => sign({ key: "sig_someoneElsesKey000000000001", url: p.webhook, body: signedBody }),
    "invalid signature: signature verification failed",
  ],
  [
    "a body that is not the one signed",
    (p) => sign({ key: currentKey(p), url: p.webhook, body: '{"partition":0,"offset":9}' }),
    /^invalid signature: body hash does not match, want: [\w-]+=*, got: [\w-]+=*$/,
  ],
  [
    "an expired token",
    (p) => sign({ key: currentKey(p), url: p.webhook, body: signedBody, iat: now() - 600 }),
    "invalid signature: signature verification failed",
  ],
  [
    "an expired token signed with the next key",
    (p) => sign({ key: nextKey(p), url: p.webhook, body: signedBody, iat: now() - 600 }),
    'invalid signature: "exp" claim timestamp check failed',
  ],
  [
    "a token not valid yet",
    (p) => sign({ key: currentKey(p), url: p.webhook, body: signedBody, iat: now() + 600 }),
    "invalid signature: signature verification failed",
  ],
  [
    "a token for another URL",
    (p) => sign({ key: currentKey(p), url: `${p.url}/elsewhere`, body: signedBody }),
    /^invalid signature: invalid subject: http:\/\/127\.0\.0\.1:\d+\/elsewhere, want: http:\/\/127\.0\.0\.1:\d+\/projection$/,
  ],
  [
    "a token from another issuer",
    (p) => sign({ key: currentKey(p), url: p.webhook, body: signedBody, claims: { iss: "Someone" } }),
    "invalid signature: signature verification failed",
  ],
  [
    "a token without a body hash",
    (p) => sign({ key: currentKey(p), url: p.webhook, body: signedBody, claims: { body: undefined } }),
    "invalid signature: malformed token (the Upstash claims are missing or of the wrong type)",
  ],
  ["garbage", () => "not-a-jwt", "invalid signature: Invalid Compact JWS"],
  [
    "an unsigned token (alg none)",
    (p) =>
      `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
        JSON.stringify({ iss: "Upstash", sub: p.webhook }),
      ).toString("base64url")}.`,
    /^invalid signature: .+/,
  ],
];

/** Requests that must be turned away: they share one projector, since none of them may fold anything. */
describe("requests turned away", () => {
  let projector: Projector;

  beforeAll(async () => {
    projector = await projectorWithBacklog();
  });

  afterAll(async () => {
    await projector.close();
  });

  it.each(["GET", "PUT", "PATCH", "DELETE"])(
    "projection: %s gets 405 with Allow: POST and folds nothing",
    async (method) => {
      const res = await get(projector.webhook, { method });

      expect({ status: res.status, allow: res.headers.get("allow"), body: res.body }).toEqual({
        status: 405,
        allow: "POST",
        body: { error: "the QStash webhook only accepts POST", code: "METHOD_NOT_ALLOWED" },
      });
      await expectNothingFolded(projector);
    },
  );

  it("projection: a body over 16 KiB gets 413 even when correctly signed, and folds nothing", async () => {
    const body = JSON.stringify({ padding: "x".repeat(16 * 1024) });

    const res = await poke(projector, body);

    expect({ status: res.status, body: res.body }).toEqual({
      status: 413,
      body: { error: "body larger than 16384 bytes", code: "PAYLOAD_TOO_LARGE" },
    });
    await expectNothingFolded(projector);
  });

  it("projection: a streamed body crossing 16 KiB without a Content-Length gets 413 before it ends", async () => {
    const res = await sendOpenStream({ url: projector.webhook, bytes: 16 * 1024 + 1 });

    expect({ status: res.status, body: JSON.parse(res.text) }).toEqual({
      status: 413,
      body: { error: "body larger than 16384 bytes", code: "PAYLOAD_TOO_LARGE" },
    });
    await expectNothingFolded(projector);
  });

  it.each(badSignatures)(
    "projection: %s gets 401 with the reason and folds nothing",
    async (_name, token, reason) => {
      const res = await poke(projector, signedBody, token(projector));

      expect({ status: res.status, body: res.body }).toEqual({
        status: 401,
        body: {
          error: typeof reason === "string" ? reason : expect.stringMatching(reason),
          code: "UNAUTHORIZED",
        },
      });
      await expectNothingFolded(projector);
    },
  );
});

describe("pokes let through", () => {
  let projector: Projector;

  beforeEach(async () => {
    projector = await projectorWithBacklog();
  });

  afterEach(async () => {
    await projector.close();
  });

  it.each([
    ["empty", ""],
    ["{}", "{}"],
    ["a position hint", '{"partition":0,"offset":1,"reason":"append"}'],
    ["not JSON", "wake up"],
  ])("projection: a signed poke with a body that is %s is a valid poke", async (_name, body) => {
    const res = await poke(projector, body);

    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: caughtUpAnswer });
    await expectProjectionOfLog(projector);
  });

  it.each([
    ["current", currentKey],
    ["next", nextKey],
  ])("projection: a token signed with the %s key is accepted and folds the log", async (_name, key) => {
    const res = await poke(
      projector,
      signedBody,
      sign({ key: key(projector), url: projector.webhook, body: signedBody }),
    );

    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: caughtUpAnswer });
    await expectProjectionOfLog(projector);
  });

  it("projection: a token from a QStash whose clock runs 2 s ahead of ours is accepted and folds the log", async () => {
    const res = await poke(
      projector,
      signedBody,
      sign({ key: currentKey(projector), url: projector.webhook, body: signedBody, iat: now() + 2 }),
    );

    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: caughtUpAnswer });
    await expectProjectionOfLog(projector);
  });
});
