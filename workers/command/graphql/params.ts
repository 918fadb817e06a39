import { readJsonBody } from "./body";
import { GraphQLRequestError } from "./errors";

/** A GraphQL-over-HTTP request's parameters, validated and normalized (absent means null). */
export interface GraphQLParams {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
  extensions: Record<string, unknown> | null;
}

/** Reads and validates the parameters of a POST: a JSON object body. */
export async function readPostParams(request: Request, maxBodyBytes: number): Promise<GraphQLParams> {
  const text = await readJsonBody(request, maxBodyBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GraphQLRequestError(400, "BAD_REQUEST", "Request body is not valid JSON.");
  }
  if (!isObject(body)) {
    throw new GraphQLRequestError(400, "BAD_REQUEST", "Request body must be a JSON object.");
  }
  return validateParams(body);
}

/** Reads and validates the parameters of a GET: the query string, with `variables`/`extensions` as JSON. */
export function readGetParams(url: URL): GraphQLParams {
  const raw: Record<string, unknown> = {};
  for (const name of ["query", "variables", "operationName", "extensions"] as const) {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw badParameter(`The "${name}" parameter must be given at most once.`);
    const [value] = values;
    if (value === undefined) continue;
    raw[name] = name === "variables" || name === "extensions" ? parseJsonParameter(name, value) : value;
  }
  return validateParams(raw);
}

function parseJsonParameter(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw badParameter(`The "${name}" parameter must be URL-encoded JSON.`);
  }
}

function validateParams(raw: Record<string, unknown>): GraphQLParams {
  const { query, variables, operationName, extensions } = raw;
  if (query === undefined || query === null) throw badParameter('The "query" parameter is required.');
  if (typeof query !== "string") throw badParameter('The "query" parameter must be a string.');
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    throw badParameter('The "operationName" parameter must be a string or null.');
  }
  return {
    query,
    variables: optionalObject("variables", variables),
    operationName: operationName ?? null,
    extensions: optionalObject("extensions", extensions),
  };
}

function optionalObject(name: string, value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw badParameter(`The "${name}" parameter must be an object or null.`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function badParameter(message: string): GraphQLRequestError {
  return new GraphQLRequestError(400, "BAD_USER_INPUT", message);
}
