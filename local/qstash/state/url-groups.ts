/**
 * URL groups ("topics", docs/protocols.md#url-groups): named sets of endpoints a publish fans out to.
 * Adding endpoints upserts the group; removing its last endpoint deletes it.
 */

import { badRequest } from "../errors";
import { NamedStore } from "./named-store";
import { isHttpUrl, isValidName } from "./names";

export interface Endpoint {
  name?: string;
  url: string;
}

export interface UrlGroup {
  name: string;
  /** Unix ms. */
  createdAt: number;
  updatedAt: number;
  endpoints: Endpoint[];
}

function checkName(name: string): void {
  if (!isValidName(name)) {
    throw badRequest(`invalid url group name "${name}": use letters, digits, ".", "_" and "-" only`);
  }
}

/** Reads `{"endpoints":[{"name"?, "url"?}]}`; each item needs a name or a URL, and a URL must be http(s). */
export function parseEndpointList(body: Buffer): Array<Partial<Endpoint>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest('invalid JSON body: expected {"endpoints":[{"name"?,"url"}]}');
  }
  const list = (parsed as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(list) || list.length === 0) throw badRequest("endpoints must be a non-empty array");
  return list.map((item: unknown, i) => {
    const { name, url } = (item ?? {}) as { name?: unknown; url?: unknown };
    if (name !== undefined && (typeof name !== "string" || name === "")) {
      throw badRequest(`endpoints[${i}].name must be a non-empty string`);
    }
    if (url !== undefined && (typeof url !== "string" || !isHttpUrl(url))) {
      throw badRequest(`endpoints[${i}].url is not a valid http(s) url: ${String(url)}`);
    }
    if (name === undefined && url === undefined) throw badRequest(`endpoints[${i}] needs a name or a url`);
    return { ...(name !== undefined && { name }), ...(url !== undefined && { url }) };
  });
}

/** Endpoints to add: as `parseEndpointList`, and every one needs a URL. */
export function parseEndpointsToAdd(body: Buffer): Endpoint[] {
  return parseEndpointList(body).map((e, i) => {
    if (e.url === undefined) throw badRequest(`endpoints[${i}].url is required`);
    return { ...e, url: e.url };
  });
}

export class UrlGroupStore extends NamedStore<UrlGroup> {
  constructor() {
    super("url group", checkName);
  }

  /** Adds endpoints, replacing any with the same URL or name; creates the group if missing. */
  addEndpoints(name: string, endpoints: Endpoint[], now = Date.now()): UrlGroup {
    checkName(name);
    const group = this.items.get(name) ?? { name, createdAt: now, updatedAt: now, endpoints: [] };
    for (const endpoint of endpoints) {
      group.endpoints = group.endpoints.filter(
        (e) => e.url !== endpoint.url && (endpoint.name === undefined || e.name !== endpoint.name),
      );
      group.endpoints.push(endpoint);
    }
    group.updatedAt = now;
    this.items.set(name, group);
    return group;
  }

  /** Removes endpoints matching by name or URL; deletes the group when none is left. */
  removeEndpoints(name: string, endpoints: Array<Partial<Endpoint>>, now = Date.now()): void {
    const group = this.get(name);
    group.endpoints = group.endpoints.filter(
      (e) =>
        !endpoints.some(
          (r) => (r.url !== undefined && r.url === e.url) || (r.name !== undefined && r.name === e.name),
        ),
    );
    group.updatedAt = now;
    if (group.endpoints.length === 0) this.items.delete(name);
  }
}
