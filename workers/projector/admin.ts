/**
 * Who sees what on `GET /status`: counts, positions and reasons are public; the raw values of dead letters (up
 * to 2 KiB of event JSON, task text included) only reach a request carrying `Authorization: Bearer <ADMIN_TOKEN>`.
 * With no ADMIN_TOKEN bound, nobody sees them; any other request gets the public view, whatever header it sent.
 */
import type { ProjectionStatus, ShownDeadLetter } from "../../shared/projection/status";

export type StatusAccess = { kind: "public" } | { kind: "admin" } | { kind: "refused"; reason: string };

/**
 * Decides from the `Authorization` header, with the reason a header that does not prove the token falls short.
 * `POST /rebuild` refuses such a header with that reason; `GET /status` answers it as it answers no header at all.
 */
export async function statusAccess(
  authorization: string | undefined,
  adminToken: string | undefined,
): Promise<StatusAccess> {
  if (authorization === undefined) return { kind: "public" };
  if (adminToken === undefined) {
    return { kind: "refused", reason: "admin access is disabled: the ADMIN_TOKEN binding is not set" };
  }
  const bearer = /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
  if (bearer === undefined) {
    return { kind: "refused", reason: 'send "Authorization: Bearer <ADMIN_TOKEN>", or no Authorization' };
  }
  return (await sameSecret(bearer, adminToken))
    ? { kind: "admin" }
    : { kind: "refused", reason: "invalid admin token" };
}

/** The status without raw dead-letter values; everything else is kept as it is. */
export function publicStatus(status: ProjectionStatus): ProjectionStatus {
  return { ...status, deadLetters: status.deadLetters.map(withoutValue) };
}

function withoutValue({ value: _, ...shown }: ShownDeadLetter): ShownDeadLetter {
  return shown;
}

/** Compares digests in constant time, so neither the token's content nor its length leaks through timing. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
