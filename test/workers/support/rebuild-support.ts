/**
 * What the rebuild tests share: `POST /rebuild` as an admin, the projector's status with its rebuild part, and a
 * Projector view of any namespace (so the log-fold model checks a rebuilt or retired namespace as it checks the
 * live one).
 */
import { partitionOf } from "../../../shared/event-log/port";
import type { RebuildStatus } from "../../../shared/rebuild/port";
import type { GraphQLAnswer } from "../../support/system";
import { newTaskId } from "./projector-model";
import { eventually, get, type Projector, type Status } from "./projector-support";

/** The projector's status as `GET /status` answers it to an admin: the projection's part and the rebuild's. */
export type RebuildStatusView = Status & RebuildStatus;

/** `POST /rebuild` with the projector's admin token (or `authorization` as given; null sends none). */
export async function requestRebuild(
  p: Projector,
  authorization: string | null = `Bearer ${p.env.ADMIN_TOKEN ?? ""}`,
) {
  return get(`${p.url}/rebuild`, {
    method: "POST",
    headers: authorization === null ? {} : { authorization },
  });
}

/** `GET /status` as an admin, with the rebuild fields. */
export async function rebuildStatusOf(p: Projector): Promise<RebuildStatusView> {
  const res = await get(`${p.url}/status`, {
    headers: { authorization: `Bearer ${p.env.ADMIN_TOKEN ?? ""}` },
  });
  if (res.status !== 200) throw new Error(`/status answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as RebuildStatusView;
}

/**
 * Waits until the last rebuild has ended (switched or failed) and, if it switched, until the status names the new
 * namespace as live; answers the status then. The status reads the pointer apart from the rebuild's record, and
 * through the isolate's pointer cache: for up to POINTER_CACHE_MS after a switch it may name the old namespace
 * beside a record that says the rebuild switched (a read in flight across the switch, or one made just before).
 */
export async function rebuildEnded(p: Projector, timeoutMs = 60_000): Promise<RebuildStatusView> {
  return eventually(async () => {
    const s = await rebuildStatusOf(p);
    if (s.rebuild !== null || s.lastRebuild === null) throw new Error("the rebuild has not ended yet");
    if (s.lastRebuild.state === "switched" && s.namespace !== s.lastRebuild.namespace)
      throw new Error(`the switch to ${s.lastRebuild.namespace} is not seen yet: ${s.namespace} is live`);
    return s;
  }, timeoutMs);
}

/** The same projector seen on another namespace of its projection. */
export function onNamespace(p: Projector, namespace: string): Projector {
  return { ...p, prefix: namespace };
}

/** New task ids that fall in `partition` of a log of `partitions`, `count` of them. */
export function idsIn(partitions: number, partition: number, count: number): string[] {
  const ids: string[] = [];
  while (ids.length < count) {
    const id = newTaskId();
    if (partitionOf(id, partitions) === partition) ids.push(id);
  }
  return ids;
}

/** The position a mutation's answer acknowledged, from its consistency token. */
export function position(answer: GraphQLAnswer): { partition: number; offset: number } {
  const token = answer.headers.get("x-consistency-token") ?? "";
  const [partition, offset] = token.split(":").map(Number);
  if (partition === undefined || offset === undefined) throw new Error(`no consistency token: "${token}"`);
  return { partition, offset };
}
