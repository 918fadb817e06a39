/**
 * Who sees what on `GET /status`: counts, positions, dead letters' reasons and rejected events' types are public;
 * the raw values of dead letters (up to 2 KiB of event JSON, task text included) and rejected events' task ids,
 * event ids and reasons (which name the task) only reach a request carrying `Authorization: Bearer <ADMIN_TOKEN>`.
 * With no ADMIN_TOKEN bound, nobody sees them.
 */

import type { RejectedEvent } from "../../shared/projection/problems";
import type { ProjectionStatus, ShownDeadLetter } from "../../shared/projection/status";

export type StatusAccess = { kind: "public" } | { kind: "admin" } | { kind: "refused"; reason: string };

/** Decides from the `Authorization` header; a header that does not prove the token is refused, not ignored. */
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

/** A rejected event as the public sees it: where it is and its type, nothing that names a task. */
export type PublicRejectedEvent = Pick<RejectedEvent, "partition" | "offset" | "type">;

/** The status a caller without the admin token sees. */
export type PublicStatus = Omit<ProjectionStatus, "rejectedEvents"> & {
  rejectedEvents: PublicRejectedEvent[];
};

/** The status without raw dead-letter values nor task or event ids; everything else is kept as it is. */
export function publicStatus(status: ProjectionStatus): PublicStatus {
  return {
    ...status,
    deadLetters: status.deadLetters.map(withoutValue),
    rejectedEvents: status.rejectedEvents.map(({ partition, offset, type }) => ({ partition, offset, type })),
  };
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
