/**
 * `Upstash-Signature` (docs/protocols.md#signing): a compact HS256 JWS whose HMAC key is the UTF-8 bytes of the
 * whole `sig_...` string, with claims iss "Upstash", sub = the exact destination URL, iat = nbf = now,
 * exp = now + 300 and body = base64url(SHA-256(body)) with `=` padding, as in Upstash's own example.
 */
import { createHash, createHmac } from "node:crypto";
import { randomId } from "../state/ids";

export interface SignatureInput {
  /** The current signing key, `sig_...`. */
  key: string;
  /** The exact URL the request is sent to, query string included. */
  url: string;
  body: Uint8Array;
  /** Unix seconds; defaults to the wall clock. */
  now?: number;
  /** Defaults to `jwt_` plus random characters. */
  jti?: string;
}

/** How long a signature stays valid, in seconds. */
export const SIGNATURE_LIFETIME_S = 300;

const HEADER = { alg: "HS256", typ: "JWT" };

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** base64url(SHA-256(body)) with `=` padding (Receiver strips padding on both sides before comparing). */
export function bodyHash(body: Uint8Array): string {
  const unpadded = createHash("sha256").update(body).digest("base64url");
  return unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, "=");
}

/** Signs one delivery attempt; a fresh token (new iat and jti) is made for every attempt. */
export function signDelivery(input: SignatureInput): string {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const payload = {
    iss: "Upstash",
    sub: input.url,
    exp: now + SIGNATURE_LIFETIME_S,
    nbf: now,
    iat: now,
    jti: input.jti ?? randomId("jwt_", 22),
    body: bodyHash(input.body),
  };
  const signingInput = `${base64url(JSON.stringify(HEADER))}.${base64url(JSON.stringify(payload))}`;
  const mac = createHmac("sha256", Buffer.from(input.key, "utf8")).update(signingInput).digest("base64url");
  return `${signingInput}.${mac}`;
}
