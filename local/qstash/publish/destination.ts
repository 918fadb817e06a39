/**
 * Publish destinations (docs/protocols.md#destinations): `http://` or `https://` means a URL, anything else is a
 * URL group name restricted to `[A-Za-z0-9._-]`.
 */
import { badRequest } from "../errors";
import { isHttpUrl, isValidName } from "../state/names";

export type Destination = { kind: "url"; url: string } | { kind: "group"; name: string };

/**
 * Classifies a destination exactly as received (its query string already re-attached). The URL is kept
 * byte for byte: it is what the signature's `sub` claim must equal.
 */
export function parseDestination(raw: string): Destination {
  if (raw === "") throw badRequest("destination is required: publish to /v2/publish/{url or url group}");
  if (/^https?:\/\//i.test(raw)) {
    if (!isHttpUrl(raw)) throw badRequest(`invalid destination url: ${raw}`);
    return { kind: "url", url: raw };
  }
  if (raw.startsWith("api/")) throw badRequest(`api destinations are not supported by the emulator: ${raw}`);
  if (!isValidName(raw)) {
    throw badRequest(`invalid url group name "${raw}": use letters, digits, ".", "_" and "-" only`);
  }
  return { kind: "group", name: raw };
}
