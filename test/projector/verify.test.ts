/**
 * The webhook's signature check, over tokens made by the local QStash's signing (the one that signs every delivery
 * in `npm run dev` and the worker tests). Two clocks never agree exactly: a token from a QStash whose clock runs a
 * few seconds ahead is still valid, and one far outside its lifetime is not. And the check never falls back on
 * QStash's public development keys, whatever the environment says.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SIGNATURE_LIFETIME_S, signDelivery } from "../../local/qstash/delivery/signing";
import { verifySignature } from "../../workers/projector/verify";

const config = {
  currentSigningKey: "sig_verifyTestCurrentKey00000001",
  nextSigningKey: "sig_verifyTestNextKey000000000002",
  projectorUrl: "https://projector.example.com/projection",
};
const body = '{"partition":0,"offset":0,"reason":"append"}';
const now = () => Math.floor(Date.now() / 1000);

function signed(at: number, key = config.currentSigningKey): string {
  return signDelivery({ key, url: config.projectorUrl, body: new TextEncoder().encode(body), now: at });
}

describe("verifySignature", () => {
  afterEach(() => {
    delete process.env.QSTASH_DEV;
  });

  it("a token signed now verifies", async () => {
    expect(await verifySignature(config, signed(now()), body)).toEqual({ ok: true });
  });

  it.each([2, 4])("a token from a clock %i s ahead (not valid yet by ours) verifies", async (ahead) => {
    expect(await verifySignature(config, signed(now() + ahead), body)).toEqual({ ok: true });
  });

  it("a token that expired 2 s ago by our clock (theirs runs behind) verifies", async () => {
    expect(await verifySignature(config, signed(now() - SIGNATURE_LIFETIME_S - 2), body)).toEqual({
      ok: true,
    });
  });

  it.each([
    ["from a clock a minute ahead", 60, '"nbf" claim timestamp check failed'],
    ["that expired a minute ago", -SIGNATURE_LIFETIME_S - 60, '"exp" claim timestamp check failed'],
  ])("a token %s is refused", async (_name, shift, reason) => {
    // Signed with the next key, whose failure is the one the Receiver reports.
    expect(await verifySignature(config, signed(now() + shift, config.nextSigningKey), body)).toEqual({
      ok: false,
      reason,
    });
  });

  it("QSTASH_DEV=true in the environment: QStash's public development key is still refused, ours still accepted", async () => {
    process.env.QSTASH_DEV = "true";
    const publicDevKey = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";

    expect(await verifySignature(config, signed(now(), publicDevKey), body)).toMatchObject({ ok: false });
    expect(await verifySignature(config, signed(now()), body)).toEqual({ ok: true });
  });
});
