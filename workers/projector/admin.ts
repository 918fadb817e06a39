/**
 * Who sees what on `GET /status`: counts, positions, dead letters' reasons and rejected events' types are public;
 * the raw values of dead letters (up to 2 KiB of event JSON, task text included) and rejected events' task ids,
 * event ids and reasons (which name the task) only reach a request carrying `Authorization: Bearer <ADMIN_TOKEN>`.
 * With no ADMIN_TOKEN bound, nobody sees them; any other request gets the public view, whatever header it sent.
 */

import { bearerToken, sameSecret } from "../../shared/http/secret";
import type { RejectedEvent } from "../../shared/projection/problems";
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
  const bearer = bearerToken(authorization);
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
