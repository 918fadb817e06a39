/** The names and URLs QStash accepts: URL group and queue names, destination and callback URLs. */

const NAME = /^[A-Za-z0-9._-]+$/;

/** True for a valid URL group or queue name. */
export function isValidName(name: string): boolean {
  return NAME.test(name);
}

/** True when `text` parses as an absolute http(s) URL with a host. */
export function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}
