/**
 * A named list's data key and what it does: AES-256-GCM through WebCrypto, 256 random bits per list, minted by
 * `createList` and kept in the list registry only (never in the log, so a rebuild cannot recreate it and a purge
 * that deletes it makes every copy of the list's words unreadable). A text is sealed bound to the id of the event
 * that carries it (the associated data), so a ciphertext moved to another event, or altered, does not open.
 *
 * The nonce is not stored: it is 96 of the event id's random bits. Every event id is minted by the command worker
 * with `crypto.randomUUID()` (122 random bits) for the one event that carries it, and an event seals one text, so
 * the nonces of a key are as unlikely to repeat as 96-bit random ones drawn apart; sealing the same words for the
 * same event again (a retried append) gives the same bytes, which tells nothing new. That takes 16 base64url
 * characters off every copy of a sealed text (the log's, the state's, the history entry's). A text sealed before
 * (its random nonce written ahead of the ciphertext) still opens: `open` tries the event id's nonce first, then the
 * stored one; a wrong nonce fails the tag like any alteration, so neither can open as the other.
 */
import { isUuid, parseSealed, sealedRef } from "../domain";

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The nonce of the event `eventId` (a canonical UUID): its bytes 0 to 5, 7 and 9 to 13, leaving out the two that
 * hold a version 4 UUID's fixed bits (6: the version, 8: the variant), so all 96 bits are random ones.
 */
function eventNonce(eventId: string): Uint8Array<ArrayBuffer> {
  const hex = eventId.replace(/-/g, "");
  const nonce = new Uint8Array(NONCE_BYTES);
  let n = 0;
  for (const byte of [0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13]) {
    nonce[n++] = Number.parseInt(hex.slice(byte * 2, byte * 2 + 2), 16);
  }
  return nonce;
}

/** A sealed text that does not open under its list's key: it was altered in storage, or moved between events. */
export class SealBrokenError extends Error {
  constructor() {
    super("a stored text of this list does not open under the list's key: it was altered in storage");
    this.name = "SealBrokenError";
  }
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const KEY_BYTES = 32;

/** A fresh data key, as the registry stores it: 256 bits from the runtime's cryptographic generator, base64url. */
export function mintDataKey(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

/** What a list's key does: seal words for an event, open a sealed reference, and fingerprint words (see below). */
export interface ListCipher {
  /** The sealed reference of `text` as carried by the event `eventId` (see shared/domain/sealed.ts). */
  seal(eventId: string, text: string): Promise<string>;
  /**
   * The words of a sealed reference; SealBrokenError when it does not open, or is no sealed reference at all (every
   * text of a list with a key is sealed: words in the clear there were put in storage by someone else).
   */
  open(text: string): Promise<string>;
  /**
   * A keyed digest of `text` (HMAC-SHA-256 under a key derived from the data key): what an idempotency key's
   * fingerprint holds instead of the words, equal for equal words, and meaningless once the key is destroyed.
   */
  fingerprint(text: string): Promise<string>;
}

/** The cipher of a list's data key (`raw`, base64url as minted); the key is imported once, on first use. */
export function listCipher(raw: string): ListCipher {
  let imported: Promise<{ aes: CryptoKey; mac: CryptoKey }> | undefined;
  const keys = () => {
    imported ??= (async () => {
      const bytes = fromBase64url(raw);
      const aes = await crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
      // A separate key for digests: the data key itself is used for one algorithm only.
      const derived = await crypto.subtle.digest("SHA-256", new Uint8Array([...bytes, 0x66, 0x70]));
      const mac = await crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ]);
      return { aes, mac };
    })();
    return imported;
  };
  const encoder = new TextEncoder();
  return {
    async seal(eventId, text) {
      // The nonce is the id's: an id that is not a UUID minted for this event could repeat one.
      if (!isUuid(eventId))
        throw new Error(`seal: event id ${JSON.stringify(eventId)} is not a lowercase UUID`);
      const { aes } = await keys();
      const iv = eventNonce(eventId);
      const additionalData = encoder.encode(eventId);
      const box = new Uint8Array(
        await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, aes, encoder.encode(text)),
      );
      return sealedRef(eventId, base64url(box));
    },
    async open(text) {
      const sealed = parseSealed(text);
      if (!sealed) throw new SealBrokenError();
      const { aes } = await keys();
      const payload = fromBase64url(sealed.payload);
      const additionalData = encoder.encode(sealed.eventId);
      const decrypt = async (iv: Uint8Array<ArrayBuffer>, box: Uint8Array<ArrayBuffer>) => {
        try {
          const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData }, aes, box);
          return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(plain);
        } catch {
          return undefined;
        }
      };
      const words =
        (await decrypt(eventNonce(sealed.eventId), payload)) ??
        (payload.length >= NONCE_BYTES + TAG_BYTES
          ? await decrypt(payload.slice(0, NONCE_BYTES), payload.slice(NONCE_BYTES))
          : undefined);
      if (words === undefined) throw new SealBrokenError();
      return words;
    },
    async fingerprint(text) {
      const { mac } = await keys();
      return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", mac, encoder.encode(text))));
    },
  };
}
