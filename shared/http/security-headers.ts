/**
 * The security headers every answer of both workers carries, and the static assets too (web/build.ts writes the
 * same headers, taken from this middleware, into the assets' `_headers` file, since assets are answered before a
 * worker runs). The policy is strict: everything from this origin only, images from data: URLs as well
 * (todomvc-app-css draws its checkboxes with them), no plugins, no <base>, no form posts, and never inside a frame
 * (clickjacking).
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** Content-Security-Policy directives, by hono's names (`defaultSrc` for `default-src`). */
export type Policy = Readonly<
  Record<
    "defaultSrc" | "imgSrc" | "styleSrc" | "frameAncestors" | "objectSrc" | "baseUri" | "formAction",
    string[]
  >
>;

const STRICT = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/** The policy of every page and answer but GraphiQL's. */
export const CONTENT_SECURITY_POLICY: Partial<Policy> = STRICT;

/**
 * GraphiQL's page only: inline styles allowed. Its menus and dialogs (Radix, through react-remove-scroll) lock the
 * page's scrolling by adding a <style> element whose text depends on the scrollbar's width, so neither a hash nor a
 * static nonce can name it. Scripts stay this origin's only; an inline style cannot run code.
 */
export const GRAPHIQL_CONTENT_SECURITY_POLICY: Partial<Policy> = {
  ...STRICT,
  styleSrc: ["'self'", "'unsafe-inline'"],
};

/** A policy as its header's value, written as hono's `secureHeaders` writes it. */
export function policyText(policy: Partial<Policy>): string {
  return Object.entries(policy)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(" ")}`)
    .join("; ");
}

/**
 * The headers, by hono's `secureHeaders` (its defaults, with X-Frame-Options DENY beside `frame-ancestors 'none'`
 * for browsers that predate it). A header the answer already has is kept (`overwrite: false`): the GraphiQL page
 * carries its own policy.
 */
export function securityHeaders(policy: Partial<Policy> = CONTENT_SECURITY_POLICY): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: policy,
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    xContentTypeOptions: "nosniff",
    overwrite: false,
  });
}
