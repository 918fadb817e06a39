/**
 * HTTP Basic auth as Redpanda's HTTP Proxy answers it with `authentication_method: http_basic`: no header is
 * 401 "Forbidden (authentication is required)"; a header that is not `Basic <base64 of user:password>` is 400
 * "Malformed Authorization header"; wrong credentials are 401 "Unauthorized". The comparison is the Kafka
 * emulator's (UTF-8 or Latin-1 bytes, constant time).
 */
import type { IncomingHttpHeaders } from "node:http";
import { isAuthorized } from "../kafka/auth";
import { PROXY_CODE, ProxyError } from "./errors";

export function checkBasicAuth(headers: IncomingHttpHeaders, username: string, password: string): void {
  const header = headers.authorization;
  if (header === undefined || header === "") {
    throw new ProxyError(PROXY_CODE.kafkaAuthenticationError, "Forbidden (authentication is required)");
  }
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(header);
  const decoded = match?.[1] ? Buffer.from(match[1], "base64").toString("latin1") : "";
  const colon = decoded.indexOf(":");
  if (!match?.[1] || header.startsWith("Basic ") === false || colon === -1 || colon === decoded.length - 1) {
    throw new ProxyError(PROXY_CODE.kafkaBadRequest, "Malformed Authorization header");
  }
  if (!isAuthorized(headers, username, password)) {
    throw new ProxyError(PROXY_CODE.kafkaAuthenticationError, "Unauthorized");
  }
}
