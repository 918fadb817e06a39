import { isJsonRecord } from "../../../shared/domain";
import { readJsonText } from "./body";
import { GraphQLRequestError } from "./errors";
import { exceedsJsonDepth, type GraphQLLimits } from "./limits";

/** A GraphQL-over-HTTP request's parameters, validated and normalized (absent means null). */
export interface GraphQLParams {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
  extensions: Record<string, unknown> | null;
}

/** The limits params are checked against. */
export type ParamLimits = Pick<GraphQLLimits, "maxVariables" | "maxJsonDepth">;

/** Reads and validates the parameters of a POST: a JSON object body, read and parsed once. */
export async function readPostParams(
  request: Request,
  maxBodyBytes: number,
  limits: ParamLimits,
): Promise<GraphQLParams> {
  const text = await readJsonText(request, maxBodyBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GraphQLRequestError(400, "BAD_REQUEST", "Request body is not valid JSON.");
  }
  if (Array.isArray(body)) {
    throw new GraphQLRequestError(
      400,
      "BAD_REQUEST",
      "Batched requests (a JSON array) are not supported: send one JSON object per operation.",
    );
  }
  if (!isJsonRecord(body)) {
    throw new GraphQLRequestError(400, "BAD_REQUEST", "Request body must be a JSON object.");
  }
  return validateParams(body, limits);
}

/**
 * Reads and validates the parameters of a GET: the query string, with `variables`/`extensions` as JSON. The query
 * string is held to the body limit, so GET is no way around it.
 */
export function readGetParams(url: URL, maxBytes: number, limits: ParamLimits): GraphQLParams {
  if (new TextEncoder().encode(url.search).byteLength > maxBytes) {
    throw new GraphQLRequestError(
      414,
      "URI_TOO_LONG",
      `The query string exceeds ${maxBytes} bytes: send large operations as a POST.`,
    );
  }
  const raw: Record<string, unknown> = {};
  for (const name of ["query", "variables", "operationName", "extensions"] as const) {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw badParameter(`The "${name}" parameter must be given at most once.`);
    const [value] = values;
    if (value === undefined) continue;
    raw[name] = name === "variables" || name === "extensions" ? parseJsonParameter(name, value) : value;
  }
  return validateParams(raw, limits);
}

function parseJsonParameter(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw badParameter(`The "${name}" parameter must be URL-encoded JSON.`);
  }
}

function validateParams(raw: Record<string, unknown>, limits: ParamLimits): GraphQLParams {
  const { query, variables, operationName, extensions } = raw;
  if (query === undefined || query === null) throw badParameter('The "query" parameter is required.');
  if (typeof query !== "string") throw badParameter('The "query" parameter must be a string.');
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    throw badParameter('The "operationName" parameter must be a string or null.');
  }
  const checkedVariables = optionalObject("variables", variables, limits);
  const entries = checkedVariables ? Object.keys(checkedVariables).length : 0;
  if (entries > limits.maxVariables) {
    throw badParameter(
      `The "variables" parameter has ${entries} entries; at most ${limits.maxVariables} are accepted.`,
    );
  }
  return {
    query,
    variables: checkedVariables,
    operationName: operationName ?? null,
    extensions: optionalObject("extensions", extensions, limits),
  };
}

function optionalObject(name: string, value: unknown, limits: ParamLimits): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (!isJsonRecord(value)) throw badParameter(`The "${name}" parameter must be an object or null.`);
  // Deep nesting costs stack in every later JSON.stringify and coercion (tens of thousands of levels overflow it).
  if (exceedsJsonDepth(value, limits.maxJsonDepth)) {
    throw badParameter(
      `The "${name}" parameter nests arrays and objects more than ${limits.maxJsonDepth} levels deep.`,
    );
  }
  return value;
}

function badParameter(message: string): GraphQLRequestError {
  return new GraphQLRequestError(400, "BAD_USER_INPUT", message);
}
