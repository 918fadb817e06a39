/**
 * HTTP Basic auth as Upstash Kafka checked it. The official client base64-encodes `user:password` one UTF-16
 * code unit per byte (Latin-1), while curl and most tools use UTF-8; both decodings are accepted, so any
 * credentials that the client can send at all work, and ASCII ones work everywhere.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

export function isAuthorized(headers: IncomingHttpHeaders, username: string, password: string): boolean {
  const header = headers.authorization;
  if (typeof header !== "string") return false;
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const encoded = match?.[1];
  if (!encoded) return false;
  const bytes = Buffer.from(encoded, "base64");
  const expected = digest(`${username}:${password}`);
  return [bytes.toString("latin1"), bytes.toString("utf8")].some((candidate) =>
    timingSafeEqual(digest(candidate), expected),
  );
}
