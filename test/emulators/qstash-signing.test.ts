/**
 * `Upstash-Signature` as the unmodified `Receiver` checks it (docs/protocols.md#signing): the signer against
 * the published test vector, and signatures of real deliveries (URL bound, body bound, key rotation).
 */
import { Client, Receiver } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { bodyHash, signDelivery } from "../../local/qstash/delivery/signing";
import { type RunningQStashEmulator, startQStashEmulator } from "../../local/qstash/rest";
import { signatureOf, useQStash } from "./support/qstash-fixture";

const TOKEN = "signing-test-token";
const CURRENT = "sig_signingTestCurrent00000001";
const NEXT = "sig_signingTestNext0000000000002";

const VECTOR = {
  key: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
  url: "http://localhost:3000/api/webhook",
  body: '{"hello":"world"}',
  iat: 1767225600,
  jti: "jwt_2mBqYk1s4nJ8dQwZpR7vTx",
  jwt: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJVcHN0YXNoIiwic3ViIjoiaHR0cDovL2xvY2FsaG9zdDozMDAwL2FwaS93ZWJob29rIiwiZXhwIjoxNzY3MjI1OTAwLCJuYmYiOjE3NjcyMjU2MDAsImlhdCI6MTc2NzIyNTYwMCwianRpIjoiand0XzJtQnFZazFzNG5KOGRRd1pwUjd2VHgiLCJib2R5IjoiazZJNWNha1U1ZXJMOEtqU1VWVE5vd25Ed2NjdnU1a1UxSHhnODh0b0ZZZz0ifQ.BKdPN0h5uWjGP7hVxzkFoUrW0fNxV3So_17B6kxthM4",
};

/** Emulators a test starts for itself (e.g. to rotate keys without disturbing the others). */
const emulators: RunningQStashEmulator[] = [];
const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: CURRENT,
  nextSigningKey: NEXT,
  cleanUp: async () => {
    for (const e of emulators.splice(0)) await e.close();
  },
});

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

describe("signer", () => {
  it("signDelivery: reproduces the test vector that Receiver verifies, byte for byte", () => {
    const jwt = signDelivery({
      key: VECTOR.key,
      url: VECTOR.url,
      body: Buffer.from(VECTOR.body),
      now: VECTOR.iat,
      jti: VECTOR.jti,
    });

    expect(jwt).toBe(VECTOR.jwt);
    expect(bodyHash(Buffer.from(VECTOR.body))).toBe("k6I5cakU5erL8KjSUVTNownDwccvu5kU1Hxg88toFYg=");
  });

  it("signDelivery: Receiver accepts the vector with its URL (tolerance covers the fixed times)", async () => {
    const receiver = new Receiver({ currentSigningKey: VECTOR.key, nextSigningKey: NEXT });
    const clockTolerance = Math.max(0, Math.floor(Date.now() / 1000) - VECTOR.iat) + 600;

    const ok = await receiver.verify({
      signature: VECTOR.jwt,
      body: VECTOR.body,
      url: VECTOR.url,
      clockTolerance,
    });

    expect(ok).toBe(true);
  });

  it("signDelivery: a fresh token carries iss, sub, a 300 s lifetime, a jwt_ id and the body hash", () => {
    const now = Math.floor(Date.now() / 1000);

    const claims = claimsOf(
      signDelivery({ key: CURRENT, url: "http://x/y?z=1", body: Buffer.from("b"), now }),
    );

    expect(claims).toEqual({
      iss: "Upstash",
      sub: "http://x/y?z=1",
      exp: now + 300,
      nbf: now,
      iat: now,
      jti: expect.stringMatching(/^jwt_[1-9A-HJ-NP-Za-km-z]{22}$/),
      body: bodyHash(Buffer.from("b")),
    });
  });
});

describe("signed deliveries", () => {
  it("delivery: Receiver accepts the signature bound to the exact destination URL", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/signed?a=1&b=2`;
    await qstash.client.publish({ url, body: "payload" });

    const [req] = await dest.waitFor("/signed", 1);
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

    expect(await receiver.verify({ signature: signatureOf(req), body: "payload", url })).toBe(true);
    expect(await receiver.verify({ signature: signatureOf(req), body: "payload" })).toBe(true);
  });

  it("delivery: Receiver rejects a tampered body, a different URL and foreign keys", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/tamper?a=1`;
    await qstash.client.publish({ url, body: "original" });

    const [req] = await dest.waitFor("/tamper", 1);
    const signature = signatureOf(req);
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
    const stranger = new Receiver({
      currentSigningKey: "sig_someoneElse1",
      nextSigningKey: "sig_someoneElse2",
    });

    await expect(receiver.verify({ signature, body: "tampered", url })).rejects.toThrow(
      /body hash does not match/i,
    );
    await expect(
      receiver.verify({ signature, body: "original", url: `${dest.url}/tamper?a=2` }),
    ).rejects.toThrow(/invalid subject/i);
    await expect(stranger.verify({ signature, body: "original", url })).rejects.toThrow(/signature/i);
  });

  it("keys.rotate: the old next becomes current, and a receiver holding the old keys still accepts", async () => {
    const own = await startQStashEmulator({
      port: 0,
      token: TOKEN,
      currentSigningKey: CURRENT,
      nextSigningKey: NEXT,
    });
    emulators.push(own);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const dest = await qstash.destination();
    const url = `${dest.url}/rotated`;

    const before = await fetch(`${own.url}/v2/keys`, { headers: auth });
    const rotated = await fetch(`${own.url}/v2/keys/rotate`, { method: "POST", headers: auth });
    const after = (await rotated.json()) as { current: string; next: string };
    await new Client({ baseUrl: own.url, token: TOKEN }).publish({ url, body: "after rotation" });
    const [req] = await dest.waitFor("/rotated", 1);

    expect(await before.json()).toEqual({ current: CURRENT, next: NEXT });
    expect(rotated.status).toBe(200);
    expect(after).toEqual({ current: NEXT, next: expect.stringMatching(/^sig_[1-9A-HJ-NP-Za-km-z]{28}$/) });
    expect(await (await fetch(`${own.url}/v2/keys`, { headers: auth })).json()).toEqual(after);
    const oldKeys = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
    expect(await oldKeys.verify({ signature: signatureOf(req), body: "after rotation", url })).toBe(true);
    const newKeys = new Receiver({ currentSigningKey: after.current, nextSigningKey: after.next });
    expect(await newKeys.verify({ signature: signatureOf(req), body: "after rotation", url })).toBe(true);
    const onlyOldCurrent = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: "sig_unrelatedKey" });
    await expect(
      onlyOldCurrent.verify({ signature: signatureOf(req), body: "after rotation", url }),
    ).rejects.toThrow();
  });
});
