/**
 * List capabilities: 128 random bits from the runtime's cryptographic generator, as 22 base64url characters. They
 * are unguessable, so a list id is a bearer secret; they fit the list id alphabet (A-Z a-z 0-9 _ -), so they are safe
 * in Redis keys, URL fragments and log lines.
 */
const BYTES = 16;

export function mintCapability(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(BYTES));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Length of a minted capability: a list id of another length was not minted by `createList`. */
export const CAPABILITY_CHARS = 22;
