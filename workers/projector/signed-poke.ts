/**
 * The QStash webhook's gate, as a middleware: the body read once (bounded, strict UTF-8, the exact text QStash
 * signed), then the signature checked over it (verify.ts). The route behind it gets the verified text in
 * `c.var.poke`. The body is read here rather than through hono's `bodyLimit`: the signature needs the exact text
 * anyway, and `readBody` refuses a body over the limit and one that is not UTF-8 in the same single read.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { SigningConfig } from "../../shared/config";
import { readBody } from "../../shared/http/body";
import { log, type ProjectorEnv, refuse } from "./shell";
import { verifySignature } from "./verify";

/** Largest webhook body accepted: pokes carry a position hint at most. */
export const MAX_POKE_BYTES = 16 * 1024;

const REFUSAL_CODES = { 400: "BAD_REQUEST", 408: "REQUEST_TIMEOUT", 413: "PAYLOAD_TOO_LARGE" } as const;

export type SignedPokeEnv = ProjectorEnv & { Variables: { poke: string } };

/**
 * Refuses a body over MAX_POKE_BYTES (413), one still arriving at the reader's deadline (408), one that is not
 * UTF-8 (400) and a missing or invalid signature (401);
 * `signing` is read only once the body passed, so a misconfigured projector still refuses what it would anyway.
 */
export function signedPoke(signing: (c: Context<SignedPokeEnv>) => SigningConfig) {
  return createMiddleware<SignedPokeEnv>(async (c, next) => {
    const body = await readBody(c.req.raw, MAX_POKE_BYTES);
    if (!body.ok) return refuse(c, body.status, REFUSAL_CODES[body.status], body.reason);
    const verification = await verifySignature(signing(c), c.req.header("upstash-signature"), body.text);
    if (!verification.ok) return refuse(c, 401, "UNAUTHORIZED", `invalid signature: ${verification.reason}`);
    log.info("signature valid", {
      requestId: c.get("requestId"),
      messageId: c.req.header("upstash-message-id"),
      retried: c.req.header("upstash-retried"),
    });
    c.set("poke", body.text);
    await next();
  });
}
