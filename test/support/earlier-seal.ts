/**
 * A text sealed as releases before 2026-12-07 sealed it: AES-256-GCM under the list's data key (base64url), bound to
 * the event id, with a random 12-byte nonce written ahead of the ciphertext. Now the nonce is the event id's own and
 * is not stored (shared/lists/cipher.ts); records and states of the earlier form must still open.
 */
export async function sealedTheEarlierWay(key: string, eventId: string, text: string): Promise<string> {
  const aes = await crypto.subtle.importKey("raw", Buffer.from(key, "base64url"), "AES-GCM", false, [
    "encrypt",
  ]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const box = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(eventId) },
    aes,
    new TextEncoder().encode(text),
  );
  return Buffer.concat([iv, new Uint8Array(box)]).toString("base64url");
}
