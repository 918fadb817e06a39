/**
 * QStash signature check. `Receiver.verify` throws on a bad signature rather than returning false, and it
 * must be given both keys explicitly (there is no process.env in a Worker).
 */
import { Receiver } from "@upstash/qstash";
import type { SigningConfig } from "../../shared/config";

/**
 * Seconds of difference between QStash's clock and ours that a signature's `nbf` and `exp` tolerate: a token from a
 * clock running a little ahead is not "not valid yet", and one a little behind not expired. A few seconds only:
 * the tolerance lengthens the five minutes in which a captured token can be replayed.
 */
export const CLOCK_TOLERANCE_S = 5;

export type Verification = { ok: true } | { ok: false; reason: string };

export async function verifySignature(
  config: SigningConfig,
  signature: string | undefined,
  body: string,
): Promise<Verification> {
  if (!signature) return { ok: false, reason: "missing Upstash-Signature header" };
  const alg = headerAlgorithm(signature);
  // QStash signs with HS256: any other declared algorithm ("none" included) is refused here, in our words rather
  // than the JWT library's. An unreadable header is left to the Receiver, which says what is wrong with it.
  if (alg !== undefined && alg !== "HS256") {
    return { ok: false, reason: `unsupported algorithm ${JSON.stringify(alg)}: QStash signs with HS256` };
  }
  const receiver = new Receiver({
    currentSigningKey: config.currentSigningKey,
    nextSigningKey: config.nextSigningKey,
    // Never QStash's development keys, which are public: left unset, a QSTASH_DEV=true in the environment would
    // make the Receiver ignore ours and accept tokens anyone can sign.
    devMode: false,
  });
  try {
    // The `sub` claim must be our configured public URL, not request.url (which differs behind proxies).
    await receiver.verify({ signature, body, url: config.projectorUrl, clockTolerance: CLOCK_TOLERANCE_S });
    return { ok: true };
  } catch (err) {
    // Only a SignatureError carries a readable reason; anything else (a token without a `body` claim makes the
    // Receiver throw a TypeError) is an internal message, not one to show a caller.
    if (err instanceof Error && err.name === "SignatureError") return { ok: false, reason: err.message };
    return { ok: false, reason: "malformed token (the Upstash claims are missing or of the wrong type)" };
  }
}

/** The `alg` of a compact JWS header, or undefined when the header is not readable JSON. */
function headerAlgorithm(token: string): string | undefined {
  const header = token.split(".", 1)[0] ?? "";
  try {
    const json = atob(header.replace(/-/g, "+").replace(/_/g, "/"));
    const parsed: unknown = JSON.parse(json);
    const alg = typeof parsed === "object" && parsed !== null ? (parsed as { alg?: unknown }).alg : undefined;
    return typeof alg === "string" ? alg : undefined;
  } catch {
    return undefined;
  }
}
