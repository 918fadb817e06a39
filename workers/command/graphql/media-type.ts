/** The media types a GraphQL response can be sent as. */
export type ResponseMediaType = "application/graphql-response+json" | "application/json";

export const GRAPHQL_RESPONSE = "application/graphql-response+json";
export const JSON_MEDIA_TYPE = "application/json";

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** How well an `Accept` header admits one media type: its quality and whether it was named exactly. */
interface Acceptance {
  q: number;
  exact: boolean;
}

/** The outcome of `Accept` negotiation. */
export interface Negotiated {
  /** The JSON flavour to answer with, or undefined when the client accepts neither (406). */
  mediaType: ResponseMediaType | undefined;
  /** True when text/html is strictly preferred over both JSON flavours (a browser asking for GraphiQL). */
  prefersHtml: boolean;
}

/**
 * Negotiates the response media type per GraphQL over HTTP: `application/graphql-response+json` when the
 * client names it and likes it at least as much as `application/json`; `application/json` when it is
 * acceptable, including via `*` wildcards or a missing header (legacy clients, audit 47DE/80D8).
 */
export function negotiate(accept: string | null): Negotiated {
  if (accept === null || accept.trim() === "") return { mediaType: JSON_MEDIA_TYPE, prefersHtml: false };
  const ranges = parseAccept(accept);
  const graphql = acceptance(ranges, GRAPHQL_RESPONSE);
  const json = acceptance(ranges, JSON_MEDIA_TYPE);
  const html = acceptance(ranges, "text/html");
  const prefersHtml = html.q > Math.max(graphql.q, json.q);
  if (graphql.q > 0 && (json.q === 0 || (graphql.exact && graphql.q >= json.q))) {
    return { mediaType: GRAPHQL_RESPONSE, prefersHtml };
  }
  return { mediaType: json.q > 0 ? JSON_MEDIA_TYPE : undefined, prefersHtml };
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(",")) {
    const [range = "", ...params] = part.split(";");
    const [type, subtype] = range.trim().toLowerCase().split("/");
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=");
      if (key?.trim().toLowerCase() === "q") q = Number(value?.trim());
    }
    // A malformed weight makes the range meaningless; skipping it is kinder than a 400.
    if (Number.isNaN(q) || q < 0 || q > 1) continue;
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** RFC 9110 12.5.1: the most specific matching range decides the quality. */
function acceptance(ranges: readonly MediaRange[], mediaType: string): Acceptance {
  const [type, subtype] = mediaType.split("/");
  let best: { specificity: number; q: number } | undefined;
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 3
        : range.type === type && range.subtype === "*"
          ? 2
          : range.type === "*" && range.subtype === "*"
            ? 1
            : 0;
    if (specificity > 0 && (best === undefined || specificity > best.specificity)) {
      best = { specificity, q: range.q };
    }
  }
  return { q: best?.q ?? 0, exact: best?.specificity === 3 };
}

/** A `Content-Type` split into its lower-cased media type and charset parameter. */
export interface ContentType {
  mediaType: string;
  charset: string | undefined;
}

/** Parses a `Content-Type` header case-insensitively; parameters other than charset are ignored. */
export function parseContentType(header: string): ContentType {
  const [mediaType = "", ...params] = header.split(";");
  let charset: string | undefined;
  for (const param of params) {
    const [key, value] = param.split("=");
    if (key?.trim().toLowerCase() === "charset" && value !== undefined) {
      charset = value
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .toLowerCase();
    }
  }
  return { mediaType: mediaType.trim().toLowerCase(), charset };
}
