/** What passes between the command worker and a list's hub (hub.ts), without the hub's runtime. */
import { type Bindings, binding } from "../../../shared/config";
import { ConfigError } from "../../../shared/errors";

/** What the projector's notification tells a hub: the namespace it folded, the batch's position and the tasks. */
export interface HubNotice {
  namespace: string;
  token: string;
  taskIds: string[];
}

/** The close code and reason of the sockets of a list that was purged. */
export const PURGED = { code: 4404, reason: "The list was purged: it no longer exists" } as const;

/** Headers the command worker's route passes the hub with an upgrade: the list's id and the capability used. */
export const HUB_HEADERS = { list: "x-live-list", capability: "x-live-capability" } as const;

/** The hub's methods the command worker calls. */
export interface HubMethods {
  notify(notice: HubNotice): Promise<void>;
  purged(): Promise<void>;
}

/**
 * The hubs' Durable Object namespace as the command worker uses it: the runtime's `DurableObjectNamespace` of the
 * class ListHub, typed by what is called on it (this file is compiled for Node too, which has no such type).
 */
export interface HubNamespace {
  idFromName(name: string): unknown;
  get(id: never): HubMethods & { fetch(request: Request): Promise<Response> };
}

/** The hubs' namespace, as bound (`LIST_HUB`, class ListHub); without it live updates are off. */
export function hubs(env: Bindings): HubNamespace | undefined {
  const bound = binding(env, "LIST_HUB");
  if (bound === undefined || bound === null) return undefined;
  if (typeof bound !== "object" || !("idFromName" in bound))
    throw new ConfigError("LIST_HUB", "must be a Durable Object binding of the class ListHub");
  return bound as HubNamespace;
}

/** The hub of a list, to call its methods. */
export function hubOf(namespace: HubNamespace, listId: string) {
  return namespace.get(namespace.idFromName(listId) as never);
}
