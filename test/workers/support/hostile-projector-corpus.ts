/**
 * The malformed-input corpus of the projector: wrong methods and routes, bodies too large or not UTF-8, garbage and
 * forged signatures, valid signatures replayed with another body, and admin credentials that prove nothing. Each
 * case names the answer it must get; none may fold anything.
 */

import { type RawRequest, streamedPast } from "./hostile-support";
import { currentKey, nextKey, type Projector, sign } from "./projector-support";

export interface ProjectorCase {
  name: string;
  request: (p: Projector) => RawRequest;
  status: number;
  code: string;
  message: string | RegExp;
  /** Extra response headers the answer must carry (Allow on a 405, say). */
  headers?: Record<string, string>;
}

const BODY = '{"partition":0,"offset":0,"reason":"append"}';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (text: string) => Buffer.from(text).toString("base64url");

/** A POST to the webhook with `body` and, unless null, `signature` as Upstash-Signature. */
function webhook(
  body: string | Uint8Array<ArrayBuffer>,
  signature: string | null,
  headers: Record<string, string> = {},
) {
  return (): RawRequest => ({
    path: "/projection",
    headers: {
      "content-type": "application/json",
      ...(signature === null ? {} : { "upstash-signature": signature }),
      ...headers,
    },
    body,
  });
}

/** A POST to the webhook whose signature is made for that projector by `token`. */
function signed(body: string | Uint8Array<ArrayBuffer>, token: (p: Projector) => string) {
  return (p: Projector): RawRequest => webhook(body, token(p))();
}

const good = (p: Projector) => sign({ key: currentKey(p), url: p.webhook, body: BODY });
const unauthorized = (reason: string | RegExp) =>
  typeof reason === "string" ? `invalid signature: ${reason}` : reason;

const NOT_POST = "the QStash webhook only accepts POST";

// biome-ignore format: a table reads best one case per line
const methodsAndRoutes: ProjectorCase[] = [
  ...["GET", "PUT", "PATCH", "DELETE", "OPTIONS"].map((method): ProjectorCase => ({ name: `${method} /projection, signed`, request: (p) => ({ ...signed(BODY, good)(p), method, ...(method === "GET" ? { body: undefined } : {}) }), status: 405, code: "METHOD_NOT_ALLOWED", message: NOT_POST, headers: { allow: "POST" } })),
  { name: "POST /status", request: () => ({ path: "/status", body: "{}" }), status: 405, code: "METHOD_NOT_ALLOWED", message: "/status only accepts GET", headers: { allow: "GET" } },
  { name: "DELETE /status", request: () => ({ method: "DELETE", path: "/status" }), status: 405, code: "METHOD_NOT_ALLOWED", message: "/status only accepts GET", headers: { allow: "GET" } },
  { name: "POST /health", request: () => ({ path: "/health" }), status: 405, code: "METHOD_NOT_ALLOWED", message: "/health only accepts GET", headers: { allow: "GET" } },
  { name: "GET /", request: () => ({ method: "GET", path: "/" }), status: 404, code: "NOT_FOUND", message: "no route GET /" },
  { name: "a path below the webhook, signed", request: (p) => ({ ...signed(BODY, good)(p), path: "/projection/rebuild" }), status: 404, code: "NOT_FOUND", message: "no route POST /projection/rebuild" },
  { name: "an admin-looking route", request: () => ({ method: "POST", path: "/admin/rebuild" }), status: 404, code: "NOT_FOUND", message: "no route POST /admin/rebuild" },
];

const tooLarge = { status: 413, code: "PAYLOAD_TOO_LARGE", message: "body larger than 16384 bytes" };
const big = JSON.stringify({ padding: "x".repeat(16 * 1024) });

// biome-ignore format: a table reads best one case per line
const bodies: ProjectorCase[] = [
  { name: "a correctly signed body over 16 KiB", request: signed(big, (p) => sign({ key: currentKey(p), url: p.webhook, body: big })), ...tooLarge },
  { name: "a streamed body crossing 16 KiB, without Content-Length and never ended", request: (p) => ({ ...signed("", good)(p), body: streamedPast(16 * 1024) }), ...tooLarge },
  { name: "a 48 KiB unsigned body", request: webhook("y".repeat(48 * 1024), null), ...tooLarge },
  { name: "bytes that are not UTF-8", request: signed(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), good), status: 400, code: "BAD_REQUEST", message: "body is not valid UTF-8" },
];

// biome-ignore format: a table reads best one case per line
const signatures: ProjectorCase[] = [
  { name: "no Upstash-Signature", request: webhook(BODY, null), message: unauthorized("missing Upstash-Signature header"), status: 401, code: "UNAUTHORIZED" },
  { name: "an empty Upstash-Signature", request: webhook(BODY, ""), message: unauthorized("missing Upstash-Signature header"), status: 401, code: "UNAUTHORIZED" },
  { name: "a valid token sent as a Bearer token instead", request: (p) => webhook(BODY, null, { authorization: `Bearer ${good(p)}` })(), message: unauthorized("missing Upstash-Signature header"), status: 401, code: "UNAUTHORIZED" },
  { name: "garbage", request: webhook(BODY, "not-a-jwt"), message: unauthorized("Invalid Compact JWS"), status: 401, code: "UNAUTHORIZED" },
  { name: "three dots of garbage", request: webhook(BODY, "a.b.c"), message: unauthorized("JWS Protected Header is invalid"), status: 401, code: "UNAUTHORIZED" },
  { name: "8 KiB of garbage", request: webhook(BODY, "z".repeat(8 * 1024)), message: unauthorized("Invalid Compact JWS"), status: 401, code: "UNAUTHORIZED" },
  { name: "two valid tokens joined", request: signed(BODY, (p) => `${good(p)},${good(p)}`), message: unauthorized("Invalid Compact JWS"), status: 401, code: "UNAUTHORIZED" },
  { name: "an unsigned token (alg none)", request: (p) => webhook(BODY, `${b64('{"alg":"none"}')}.${b64(JSON.stringify({ iss: "Upstash", sub: p.webhook }))}.`)(), message: unauthorized('unsupported algorithm "none": QStash signs with HS256'), status: 401, code: "UNAUTHORIZED" },
  { name: "someone else's key", request: signed(BODY, (p) => sign({ key: "sig_someoneElsesKey000000000001", url: p.webhook, body: BODY })), message: unauthorized("signature verification failed"), status: 401, code: "UNAUTHORIZED" },
  { name: "an expired token", request: signed(BODY, (p) => sign({ key: currentKey(p), url: p.webhook, body: BODY, iat: now() - 600 })), message: unauthorized("signature verification failed"), status: 401, code: "UNAUTHORIZED" },
  { name: "an expired token of the next key", request: signed(BODY, (p) => sign({ key: nextKey(p), url: p.webhook, body: BODY, iat: now() - 600 })), message: unauthorized('"exp" claim timestamp check failed'), status: 401, code: "UNAUTHORIZED" },
  { name: "a token not valid yet", request: signed(BODY, (p) => sign({ key: currentKey(p), url: p.webhook, body: BODY, iat: now() + 600 })), message: unauthorized("signature verification failed"), status: 401, code: "UNAUTHORIZED" },
  { name: "a token for another URL", request: signed(BODY, (p) => sign({ key: currentKey(p), url: `${p.url}/elsewhere`, body: BODY })), message: /^invalid signature: invalid subject: http:\/\/127\.0\.0\.1:\d+\/elsewhere, want: http:\/\/127\.0\.0\.1:\d+\/projection$/, status: 401, code: "UNAUTHORIZED" },
  { name: "a token from another issuer", request: signed(BODY, (p) => sign({ key: currentKey(p), url: p.webhook, body: BODY, claims: { iss: "Someone" } })), message: unauthorized("signature verification failed"), status: 401, code: "UNAUTHORIZED" },
  { name: "a token without a body hash", request: signed(BODY, (p) => sign({ key: currentKey(p), url: p.webhook, body: BODY, claims: { body: undefined } })), message: unauthorized("malformed token (the Upstash claims are missing or of the wrong type)"), status: 401, code: "UNAUTHORIZED" },
  { name: "a token whose body hash is a number", request: signed(BODY, (p) => sign({ key: currentKey(p), url: p.webhook, body: BODY, claims: { body: 42 } })), message: unauthorized("malformed token (the Upstash claims are missing or of the wrong type)"), status: 401, code: "UNAUTHORIZED" },
];

const replayed = unauthorized(/^invalid signature: body hash does not match, want: [\w-]+=*, got: [\w-]+=*$/);

// biome-ignore format: a table reads best one case per line
const replays: ProjectorCase[] = [
  { name: "a valid signature replayed with another body", request: signed('{"partition":0,"offset":99}', good), message: replayed, status: 401, code: "UNAUTHORIZED" },
  { name: "a valid signature replayed with an empty body", request: signed("", good), message: replayed, status: 401, code: "UNAUTHORIZED" },
  { name: "a valid signature replayed with one more space", request: signed(`${BODY} `, good), message: replayed, status: 401, code: "UNAUTHORIZED" },
  { name: "a valid signature of the next key replayed with another body", request: signed("{}", (p) => sign({ key: nextKey(p), url: p.webhook, body: BODY })), message: replayed, status: 401, code: "UNAUTHORIZED" },
];

/**
 * `Authorization` headers on `GET /status` that do not prove ADMIN_TOKEN: each must get exactly the answer a request
 * without one gets, so that no header tells a caller whether a token is bound or how close a guess came.
 */
export const UNPROVEN_AUTHORIZATIONS: Array<[string, string]> = [
  ["a wrong admin token", "Bearer not-the-token"],
  ["Basic credentials", `Basic ${Buffer.from("admin:admin").toString("base64")}`],
  ["an empty Bearer", "Bearer"],
  ["a Bearer of two words", "Bearer not the-token"],
  ["garbage", "\u00ff\u00fe"],
];

/** Every case, grouped for reading; run as one table. */
export const PROJECTOR_CORPUS: ProjectorCase[] = [...methodsAndRoutes, ...bodies, ...signatures, ...replays];
