/**
 * A list's cipher (shared/lists/cipher.ts) on its own, through the runtime's WebCrypto: what a sealed text is made
 * of, what opens and what does not. The whole path (seal before the append, open on read) is in
 * test/command-service/sealed.test.ts and test/workers/command-sealed.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parseSealed, sealedRef } from "../../shared/domain";
import { listCipher, mintDataKey, SealBrokenError } from "../../shared/lists/cipher";
import { sealedTheEarlierWay } from "../support/earlier-seal";

const EVENT = "0b6f3f4e-3c55-4f43-9a52-8c0a0f1f2e3d";
const OTHER_EVENT = "5d1c5d57-9f0b-4b8e-8f57-9a3c3b1b2c4d";

/** A reference to a text sealed with its nonce stored, as releases before 2026-12-07 sealed it. */
const sealWithStoredNonce = async (key: string, eventId: string, text: string) =>
  sealedRef(eventId, await sealedTheEarlierWay(key, eventId, text));

describe("listCipher", () => {
  it("a sealed text carries its ciphertext and tag only: the nonce is the event id's random bytes, not stored", async () => {
    const cipher = listCipher(mintDataKey());
    const text = "buy oat milk!!"; // 14 bytes, as the bench's texts
    const sealed = parseSealed(await cipher.seal(EVENT, text));
    // 14 bytes of ciphertext and a 16-byte tag: 30 bytes, 40 base64url characters (with a stored nonce, 56).
    expect(sealed?.payload).toHaveLength(40);
    expect(sealed?.eventId).toBe(EVENT);
  });

  it("refuses to seal for anything but a lowercase UUID, whose random bits the nonce is", async () => {
    const cipher = listCipher(mintDataKey());
    for (const id of ["", "not-an-id", EVENT.toUpperCase(), EVENT.replace(/-/g, "")]) {
      await expect(cipher.seal(id, "words")).rejects.toThrow(/not a lowercase UUID/);
    }
  });

  it("opens what it sealed, and words of any length and script", async () => {
    const cipher = listCipher(mintDataKey());
    for (const text of ["a", "buy oat milk!!", "ünïcödé ✓ 你好 🚀", "x".repeat(1000)]) {
      expect(await cipher.open(await cipher.seal(OTHER_EVENT, text))).toBe(text);
    }
  });

  it("seals one text under one event id to one ciphertext, and differs with the event or the key", async () => {
    const key = mintDataKey();
    const cipher = listCipher(key);
    const once = await cipher.seal(EVENT, "same words");
    expect(await cipher.seal(EVENT, "same words")).toBe(once); // a retried append carries the same bytes
    const elsewhere = parseSealed(await cipher.seal(OTHER_EVENT, "same words"))?.payload;
    expect(elsewhere).not.toBe(parseSealed(once)?.payload);
    const otherKey = parseSealed(await listCipher(mintDataKey()).seal(EVENT, "same words"))?.payload;
    expect(otherKey).not.toBe(parseSealed(once)?.payload);
  });

  it("still opens a text sealed with a stored random nonce, the form written before", async () => {
    const key = mintDataKey();
    const earlier = await sealWithStoredNonce(key, EVENT, "written last week");
    expect(parseSealed(earlier)?.payload).toHaveLength(56 + 4); // 12 + 17 + 16 bytes
    expect(await listCipher(key).open(earlier)).toBe("written last week");
  });

  it("refuses a ciphertext moved to another event, altered, cut short, or opened under another key", async () => {
    const key = mintDataKey();
    const cipher = listCipher(key);
    for (const sealed of [
      await cipher.seal(EVENT, "private words"),
      await sealWithStoredNonce(key, EVENT, "private words"),
    ]) {
      const payload = parseSealed(sealed)?.payload ?? "";
      const flipped = `${payload.slice(0, 5)}${payload[5] === "A" ? "B" : "A"}${payload.slice(6)}`;
      for (const broken of [
        sealedRef(OTHER_EVENT, payload),
        sealedRef(EVENT, flipped),
        sealedRef(EVENT, payload.slice(0, 20)),
        sealedRef(EVENT, "AAAA"),
      ]) {
        await expect(cipher.open(broken)).rejects.toBeInstanceOf(SealBrokenError);
      }
      await expect(listCipher(mintDataKey()).open(sealed)).rejects.toBeInstanceOf(SealBrokenError);
      await expect(cipher.open("private words")).rejects.toBeInstanceOf(SealBrokenError);
    }
  });
});
