/** Random ids made in the browser (idempotency keys, local ids), from the CSPRNG; list ids come from the server. */

/** 22 characters of A-Z a-z 0-9 _ - (128 random bits): a valid idempotency key. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** What the API accepts as a list id (one this browser stored before lists were minted, say). */
export function isListId(value: string | null): value is string {
  return value !== null && /^[A-Za-z0-9_-]{1,64}$/.test(value);
}
