/**
 * The malformed-input corpus of the command worker: broken envelopes, wrong media types and methods, bodies too
 * large or not UTF-8, documents too big, deep or wide, broken and mistyped variables, unknown fields and
 * operations, huge strings, and mutations the domain refuses. Each case names the answer it must get.
 */
import { type RawRequest, streamedPast } from "./hostile-support";

const GQL = "application/graphql-response+json";

/** A task that exists, so that refusals of real writes (stale versions, bad text) are covered too. */
export interface Seed {
  id: string;
  version: number;
}

export interface CommandCase {
  name: string;
  request: RawRequest | ((seed: Seed) => RawRequest);
  status: number;
  /** The code and message of the first error (`errors[0]`, or `{ error, code }` outside GraphQL). */
  code: string;
  message: string | RegExp;
  /** For an executed operation whose field was refused: that field, answered null beside the error. */
  field?: string;
  /** The refused field is non-null, so the null reaches the root: `data` is null. */
  rootNull?: boolean;
}

/** A POST to /graphql with a JSON body (or the body as given, when it is a string). */
function post(body: unknown, headers: Record<string, string> = {}): RawRequest {
  return {
    path: "/graphql",
    headers: { "content-type": "application/json", accept: GQL, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** A GET of /graphql with these query parameters. */
function get(params: Record<string, string>, accept = GQL): RawRequest {
  return { method: "GET", path: `/graphql?${new URLSearchParams(params)}`, headers: { accept } };
}

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
const BAD_ID = "id must be a task id (a lowercase UUID)";
const HUGE = "x".repeat(60_000);
const CREATE = "mutation ($text: String!) { createTask(text: $text) { id } }";
const UPDATE =
  "mutation ($id: String!, $text: String!, $done: Boolean!, $v: Int, $key: String) { updateTask(id: $id, text: $text, done: $done, expectedVersion: $v, idempotencyKey: $key) { id } }";
const DELETE = "mutation ($id: String!, $v: Int) { deleteTask(id: $id, expectedVersion: $v) }";
const LIST =
  "query ($offset: Int, $limit: Int, $after: String) { list(offset: $offset, limit: $limit, after: $after) { id } }";

// biome-ignore format: a table reads best one case per line
const envelope: CommandCase[] = [
  { name: "malformed JSON", request: post('{"query": "{ list { id } }"'), status: 400, code: "BAD_REQUEST", message: "Request body is not valid JSON." },
  { name: "JSON followed by garbage", request: post('{"query": "{ list { id } }"} trailing'), status: 400, code: "BAD_REQUEST", message: "Request body is not valid JSON." },
  { name: "an empty body", request: post(""), status: 400, code: "BAD_REQUEST", message: "Request body is empty: send a JSON object." },
  { name: "a batch (a JSON array)", request: post([{ query: "{ list { id } }" }, { query: CREATE }]), status: 400, code: "BAD_REQUEST", message: "Batched requests (a JSON array) are not supported: send one JSON object per operation." },
  { name: "a JSON string", request: post('"{ list { id } }"'), status: 400, code: "BAD_REQUEST", message: "Request body must be a JSON object." },
  { name: "JSON null", request: post("null"), status: 400, code: "BAD_REQUEST", message: "Request body must be a JSON object." },
  { name: "invalid UTF-8 bytes", request: { ...post(""), body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }, status: 400, code: "BAD_REQUEST", message: "Request body is not valid UTF-8." },
  { name: "an encoded lone surrogate", request: { ...post(""), body: new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]) }, status: 400, code: "BAD_REQUEST", message: "Request body is not valid UTF-8." },
  { name: "a body over 64 KiB", request: post({ query: "{ list { id } }", pad: "x".repeat(64 * 1024) }), status: 413, code: "PAYLOAD_TOO_LARGE", message: "Request body exceeds 65536 bytes." },
  { name: "a streamed body crossing 64 KiB, without Content-Length and never ended", request: { ...post(""), body: streamedPast(64 * 1024) }, status: 413, code: "PAYLOAD_TOO_LARGE", message: "Request body exceeds 65536 bytes." },
  { name: "no Content-Type", request: { path: "/graphql", headers: { accept: GQL }, body: new TextEncoder().encode('{"query":"{ list { id } }"}'), }, status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Missing Content-Type: send application/json." },
  { name: "text/plain", request: post('{"query":"{ list { id } }"}', { "content-type": "text/plain" }), status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Content-Type: POST bodies must be application/json." },
  { name: "a form", request: post("query=%7B%20list%20%7B%20id%20%7D%20%7D", { "content-type": "application/x-www-form-urlencoded", }), status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Content-Type: POST bodies must be application/json." },
  { name: "application/graphql", request: post("{ list { id } }", { "content-type": "application/graphql" }), status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Content-Type: POST bodies must be application/json." },
  { name: "a UTF-16 charset", request: post('{"query":"{ list { id } }"}', { "content-type": "application/json; charset=utf-16" }), status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported charset: send UTF-8." },
  { name: "an Accept of neither JSON flavour", request: post({ query: "{ list { id } }" }, { accept: "text/html;q=0.9, application/xml" }), status: 406, code: "NOT_ACCEPTABLE", message: "Accept must allow application/graphql-response+json or application/json." },
];

// biome-ignore format: a table reads best one case per line
const parameters: CommandCase[] = [
  { name: "no query", request: post({ variables: {} }), status: 400, code: "BAD_USER_INPUT", message: 'The "query" parameter is required.' },
  { name: "a query that is not a string", request: post({ query: { list: "id" } }), status: 400, code: "BAD_USER_INPUT", message: 'The "query" parameter must be a string.' },
  { name: "an operationName that is not a string", request: post({ query: "{ list { id } }", operationName: 7 }), status: 400, code: "BAD_USER_INPUT", message: 'The "operationName" parameter must be a string or null.' },
  { name: "variables that are an array", request: post({ query: CREATE, variables: ["x"] }), status: 400, code: "BAD_USER_INPUT", message: 'The "variables" parameter must be an object or null.' },
  { name: "variables that are a string", request: post({ query: CREATE, variables: '{"text":"x"}' }), status: 400, code: "BAD_USER_INPUT", message: 'The "variables" parameter must be an object or null.' },
  { name: "extensions that are a number", request: post({ query: "{ list { id } }", extensions: 1 }), status: 400, code: "BAD_USER_INPUT", message: 'The "extensions" parameter must be an object or null.' },
  { name: "51 variables", request: post({ query: CREATE, variables: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`v${i}`, "x"])), }), status: 400, code: "BAD_USER_INPUT", message: 'The "variables" parameter has 51 entries; at most 50 are accepted.' },
  { name: "variables nested 30000 deep", request: post(`{"query":${JSON.stringify(CREATE)},"variables":{"text":${"[".repeat(30_000)}${"]".repeat(30_000)}}}`,), status: 400, code: "BAD_USER_INPUT", message: 'The "variables" parameter nests arrays and objects more than 10 levels deep.' },
  { name: "a prototype-polluting variables object", request: post(`{"query":${JSON.stringify(CREATE)},"variables":{"__proto__":{"text":"polluted"}}}`), status: 400, code: "BAD_USER_INPUT", message: 'Variable "$text" of required type "String!" was not provided.' },
  { name: "GET of a mutation", request: get({ query: 'mutation { createTask(text: "via GET") { id } }' }), status: 405, code: "METHOD_NOT_ALLOWED", message: "Cannot run a mutation over GET: use POST." },
  { name: "GET with variables that are not JSON", request: get({ query: "{ list { id } }", variables: "{text:" }), status: 400, code: "BAD_USER_INPUT", message: 'The "variables" parameter must be URL-encoded JSON.' },
  { name: "GET without a query", request: get({}), status: 400, code: "BAD_USER_INPUT", message: 'The "query" parameter is required.' },
  { name: "GET with a query string over 64 KiB", request: get({ query: `{ list { id } } # ${"x".repeat(70_000)}` }), status: 414, code: "URI_TOO_LONG", message: "The query string exceeds 65536 bytes: send large operations as a POST." },
  { name: "GET with the query given twice", request: { method: "GET", path: "/graphql?query=%7B__typename%7D&query=%7B__typename%7D", headers: { accept: GQL }, }, status: 400, code: "BAD_USER_INPUT", message: 'The "query" parameter must be given at most once.' },
];

const methods: CommandCase[] = ["PUT", "PATCH", "DELETE", "OPTIONS"].map((method) => ({
  name: `${method} /graphql`,
  request: { ...post({ query: "{ list { id } }" }), method },
  status: 405,
  code: "METHOD_NOT_ALLOWED",
  message: "GraphQL is served over GET and POST.",
}));

// biome-ignore format: a table reads best one case per line
const routes: CommandCase[] = [
  { name: "POST /health", request: { method: "POST", path: "/health" }, status: 405, code: "METHOD_NOT_ALLOWED", message: "/health only answers GET" },
  { name: "an unknown route", request: { method: "GET", path: "/admin/../graphql2" }, status: 404, code: "NOT_FOUND", message: "no route GET /graphql2; GraphQL is at /graphql" },
  { name: "a path below /graphql", request: { ...post({ query: "{ list { id } }" }), path: "/graphql/batch" }, status: 404, code: "NOT_FOUND", message: "no route POST /graphql/batch; GraphQL is at /graphql" },
];

function nested(levels: number): string {
  return `{ list { id ${"{ a ".repeat(levels)}${"} ".repeat(levels)}} }`;
}

function fragmentBomb(levels: number): string {
  const names = Array.from({ length: levels }, (_, i) => `F${i}`);
  const fragments = names.map((name, i) =>
    i + 1 < levels
      ? `fragment ${name} on Task { ...F${i + 1} ...F${i + 1} }`
      : `fragment ${name} on Task { id text }`,
  );
  return `{ list { ...F0 } } ${fragments.join(" ")}`;
}

// biome-ignore format: a table reads best one case per line
const documents: CommandCase[] = [
  { name: "a syntax error", request: post({ query: "{ list { id }" }), status: 400, code: "GRAPHQL_PARSE_FAILED", message: "Syntax Error: Expected Name, found <EOF>." },
  { name: "a syntax error to an application/json client", request: post({ query: "{ list { id }" }, { accept: "application/json" }), status: 200, code: "GRAPHQL_PARSE_FAILED", message: "Syntax Error: Expected Name, found <EOF>." },
  { name: "a NUL character in the document", request: post({ query: "{ list\u0000 { id } }" }), status: 400, code: "GRAPHQL_PARSE_FAILED", message: "Syntax Error: Unexpected character: U+0000." },
  { name: "an unknown root field", request: post({ query: "{ users { password } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'Cannot query field "users" on type "Query".' },
  { name: "an unknown Task field", request: post({ query: "{ list { id secret } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'Cannot query field "secret" on type "Task".' },
  { name: "an unknown argument", request: post({ query: "{ list(first: 1) { id } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: /^Unknown argument "first" on field "Query.list"\./ },
  { name: "an argument of the wrong type", request: post({ query: '{ list(limit: "ten") { id } }' }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'Int cannot represent non-integer value: "ten"' },
  { name: "an Int literal beyond 32 bits", request: post({ query: "{ list(limit: 99999999999999999999) { id } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: "Int cannot represent non 32-bit signed integer value: 99999999999999999999" },
  { name: "a missing required argument", request: post({ query: "{ task { id } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'Field "task" argument "id" of type "String!" is required, but it was not provided.' },
  { name: "a mutation without a selection", request: post({ query: 'mutation { createTask(text: "x") }' }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'Field "createTask" of type "Task" must have a selection of subfields.' },
  { name: "a variable of an unknown type", request: post({ query: "query ($x: Secret) { list { id } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'Unknown type "Secret".' },
  { name: "a subscription to an unknown field", request: post({ query: "subscription { list { id } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'Cannot query field "list" on type "Subscription".' },
  { name: "a subscription over HTTP", request: post({ query: 'subscription { listChanged(listId: "x") { token } }' }), status: 400, code: "BAD_REQUEST", message: /^A subscription runs over a WebSocket/ },
  { name: "an unknown directive", request: post({ query: "{ list @admin { id } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'Unknown directive "@admin".' },
  { name: "a repeated directive", request: post({ query: "{ list @skip(if: false) @skip(if: false) { id } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: 'The directive "@skip" can only be used once at this location.' },
  { name: "an unknown operationName", request: post({ query: "query A { list { id } }", operationName: "B" }), status: 400, code: "BAD_USER_INPUT", message: 'Unknown operation named "B".' },
  { name: "two operations and no operationName", request: post({ query: 'query A { list { id } } mutation B { deleteTask(id: "x") }' }), status: 400, code: "BAD_USER_INPUT", message: "Must provide operation name if query contains multiple operations." },
  { name: "a 20000-character field name", request: post({ query: `{ ${"n".repeat(20_000)} }` }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: /^Cannot query field "n{480}… \(truncated\)$/ },
  { name: "a query nested 2000 deep", request: post({ query: nested(2000) }), status: 400, code: "QUERY_TOO_COMPLEX", message: "The document is too large: more than 2000 tokens (the limit)." },
  { name: "a list literal nested 20000 deep", request: post({ query: `{ task(id: ${"[".repeat(20_000)}${"]".repeat(20_000)}) { id } }` }), status: 400, code: "QUERY_TOO_COMPLEX", message: "The document is too large: more than 2000 tokens (the limit)." },
  { name: "3000 repeated fields", request: post({ query: `{ list { ${"id ".repeat(3000)}} }` }), status: 400, code: "QUERY_TOO_COMPLEX", message: "The document is too large: more than 2000 tokens (the limit)." },
  { name: "a query 16 fields deep", request: post({ query: nested(14) }), status: 400, code: "QUERY_TOO_COMPLEX", message: "The query is 16 fields deep; at most 15 levels are accepted." },
  { name: "301 fields", request: post({ query: `{ list { ${"id ".repeat(300)}} }` }), status: 400, code: "QUERY_TOO_COMPLEX", message: "The query selects 301 fields (a fragment counts at every spread); at most 300 are accepted." },
  { name: "a fragment bomb", request: post({ query: fragmentBomb(30) }), status: 400, code: "QUERY_TOO_COMPLEX", message: /^The query selects \d+ fields \(a fragment counts at every spread\); at most 300 are accepted\.$/ },
  { name: "21 aliased createTask mutations", request: post({ query: `mutation { ${Array.from({ length: 21 }, (_, i) => `a${i}: createTask(text: "spam ${i}") { id }`).join(" ")} }`, }), status: 400, code: "QUERY_TOO_COMPLEX", message: "The query has 21 aliases (a fragment counts at every spread); at most 20 are accepted." },
  { name: "11 operations", request: post({ query: Array.from({ length: 11 }, (_, i) => `query Q${i} { list { id } }`).join(" "), operationName: "Q0", }), status: 400, code: "QUERY_TOO_COMPLEX", message: "The document has 11 operations; at most 10 are accepted." },
  { name: "introspection nested past graphql-js's limit", request: post({ query: "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }", }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: "Maximum introspection depth exceeded" },
];

// biome-ignore format: a table reads best one case per line
const variables: CommandCase[] = [
  { name: "a missing required variable", request: post({ query: CREATE, variables: {} }), status: 400, code: "BAD_USER_INPUT", message: 'Variable "$text" of required type "String!" was not provided.' },
  { name: "a number for a String", request: post({ query: CREATE, variables: { text: 42 } }), status: 400, code: "BAD_USER_INPUT", message: 'Variable "$text" got invalid value 42; String cannot represent a non string value: 42' },
  { name: "null for a non-null variable", request: post({ query: CREATE, variables: { text: null } }), status: 400, code: "BAD_USER_INPUT", message: 'Variable "$text" of non-null type "String!" must not be null.' },
  { name: "an object for a String", request: post({ query: CREATE, variables: { text: { $gt: "" } } }), status: 400, code: "BAD_USER_INPUT", message: 'Variable "$text" got invalid value { $gt: "" }; String cannot represent a non string value: { $gt: "" }' },
  { name: "a string for a Boolean", request: post({ query: UPDATE, variables: { id: UNKNOWN_ID, text: "x", done: "yes" } }), status: 400, code: "BAD_USER_INPUT", message: 'Variable "$done" got invalid value "yes"; Boolean cannot represent a non boolean value: "yes"' },
  { name: "a 60000-character string for an Int", request: post({ query: LIST, variables: { limit: HUGE } }), status: 400, code: "BAD_USER_INPUT", message: /^Variable "\$limit" got invalid value "x{400,}… \(truncated\)$/ },
  { name: "an Int beyond 32 bits", request: post({ query: LIST, variables: { limit: 2 ** 31 } }), status: 400, code: "BAD_USER_INPUT", message: 'Variable "$limit" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648' },
  { name: "a fraction for an Int", request: post({ query: LIST, variables: { offset: 1.5 } }), status: 400, code: "BAD_USER_INPUT", message: 'Variable "$offset" got invalid value 1.5; Int cannot represent non-integer value: 1.5' },
];

/** Executed operations whose field the worker refuses: 200, the field null, a coded error at its path. */
// biome-ignore format: a table reads best one case per line
const fields: CommandCase[] = [
  { name: "createTask: empty text", request: post({ query: CREATE, variables: { text: "" } }), status: 200, field: "createTask", code: "BAD_USER_INPUT", message: "text must not be empty or whitespace only" },
  { name: "createTask: 1001 characters", request: post({ query: CREATE, variables: { text: "y".repeat(1001) } }), status: 200, field: "createTask", code: "BAD_USER_INPUT", message: "text must be at most 1000 characters (Unicode code points), got 1001" },
  { name: "createTask: 60000 characters", request: post({ query: CREATE, variables: { text: HUGE } }), status: 200, field: "createTask", code: "BAD_USER_INPUT", message: "text must be at most 1000 characters (Unicode code points), got 60000" },
  { name: "createTask: a control character", request: post({ query: CREATE, variables: { text: "bell\u0007" } }), status: 200, field: "createTask", code: "BAD_USER_INPUT", message: /^text must not contain control characters/ },
  { name: "createTask: a lone surrogate", request: post({ query: CREATE, variables: { text: "half \ud800 a pair" } }), status: 200, field: "createTask", code: "BAD_USER_INPUT", message: /^text must be valid Unicode: found a lone surrogate / },
  { name: "createTask: an invalid idempotencyKey", request: post({ query: 'mutation { createTask(text: "x", idempotencyKey: "a b") { id } }' }), status: 200, field: "createTask", code: "BAD_USER_INPUT", message: "idempotencyKey must be 1-128 characters of A-Z a-z 0-9 . _ : -" },
  { name: "updateTask: a 60000-character id", request: post({ query: UPDATE, variables: { id: HUGE, text: "x", done: true } }), status: 200, field: "updateTask", code: "BAD_USER_INPUT", message: BAD_ID },
  { name: "updateTask: an unknown id", request: post({ query: UPDATE, variables: { id: UNKNOWN_ID, text: "x", done: true } }), status: 200, field: "updateTask", code: "NOT_FOUND", message: `task ${UNKNOWN_ID} does not exist` },
  { name: "updateTask: a 60000-character idempotencyKey", request: (seed) => post({ query: UPDATE, variables: { id: seed.id, text: "x", done: true, key: HUGE } }), status: 200, field: "updateTask", code: "BAD_USER_INPUT", message: "idempotencyKey must be 1-128 characters of A-Z a-z 0-9 . _ : -" },
  { name: "updateTask: a stale expectedVersion", request: (seed) => post({ query: UPDATE, variables: { id: seed.id, text: "changed", done: true, v: seed.version + 5 } }), status: 200, field: "updateTask", code: "CONFLICT", message: /^task [0-9a-f-]{36} is at version 1, not the expected version 6$/ },
  { name: "updateTask: invalid text for a real task", request: (seed) => post({ query: UPDATE, variables: { id: seed.id, text: " \t ", done: true } }), status: 200, field: "updateTask", code: "BAD_USER_INPUT", message: "text must not be empty or whitespace only" },
  { name: "deleteTask: a path for an id", request: post({ query: DELETE, variables: { id: "../../etc/passwd" } }), status: 200, field: "deleteTask", code: "BAD_USER_INPUT", message: BAD_ID },
  { name: "deleteTask: an unknown id", request: post({ query: DELETE, variables: { id: UNKNOWN_ID } }), status: 200, field: "deleteTask", code: "NOT_FOUND", message: `task ${UNKNOWN_ID} does not exist` },
  { name: "deleteTask: a stale expectedVersion", request: (seed) => post({ query: DELETE, variables: { id: seed.id, v: 0 } }), status: 200, field: "deleteTask", code: "CONFLICT", message: /^task [0-9a-f-]{36} is at version 1, not the expected version 0$/ },
  { name: "task: a 60000-character id", request: post({ query: `query ($id: String!) { task(id: $id) { id } }`, variables: { id: HUGE } }), status: 200, field: "task", code: "BAD_USER_INPUT", message: BAD_ID },
  { name: "history: an uppercase id", request: post({ query: `{ history(id: "ABCDEF00-0000-4000-8000-000000000000") { eventId } }` }), status: 200, field: "history", rootNull: true, code: "BAD_USER_INPUT", message: BAD_ID },
  { name: "list: a 60000-character consistency token", request: post({ query: LIST, variables: { after: HUGE } }), status: 200, field: "list", code: "BAD_USER_INPUT", message: `after must be a consistency token "partition:offset" from a mutation, got "${"x".repeat(40)}"` },
  { name: "list: limit 0", request: post({ query: LIST, variables: { limit: 0 } }), status: 200, field: "list", code: "BAD_USER_INPUT", message: "limit must be from 1 to 500" },
  { name: "list: limit 501", request: post({ query: LIST, variables: { limit: 501 } }), status: 200, field: "list", code: "BAD_USER_INPUT", message: "limit must be from 1 to 500" },
  { name: "tasks: a cursor that is not one", request: post({ query: `{ tasks(cursor: "not-a-cursor") { nextCursor } }` }), status: 200, field: "tasks", rootNull: true, code: "BAD_USER_INPUT", message: "cursor must be a nextCursor a tasks page answered" },
  // A cursor as encodeCursor writes one, carrying a token of a partition the log does not have (9999:1).
  { name: "tasks: a cursor whose token names no partition", request: post({ query: `{ tasks(cursor: "YzE6MTowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA6OTk5OTox") { nextCursor } }` }), status: 200, field: "tasks", rootNull: true, code: "BAD_USER_INPUT", message: "cursor must be a nextCursor a tasks page answered" },
  { name: "tasks: first 501", request: post({ query: `{ tasks(first: 501) { nextCursor } }` }), status: 200, field: "tasks", rootNull: true, code: "BAD_USER_INPUT", message: "first must be from 1 to 500" },
  { name: "two fields waiting for a consistency token", request: post({ query: `{ a: list(after: "0:1") { id } b: list(after: "0:1") { id } }` }), status: 400, code: "QUERY_TOO_COSTLY", message: /^The request has 2 fields given a consistency token \(after:\); at most 1 field per request waits/ },
  { name: "six mutations", request: post({ query: `mutation { ${Array.from({ length: 6 }, (_, i) => `m${i}: createTask(text: "t") { id }`).join(" ")} }` }), status: 400, code: "QUERY_TOO_COSTLY", message: "The request has 6 mutations; at most 5 mutations are accepted per request." },
  { name: "list: a negative offset", request: post({ query: LIST, variables: { offset: -1 } }), status: 200, field: "list", code: "BAD_USER_INPUT", message: "offset must be 0 or more" },
];

/** Every case, grouped for reading; run as one table. */
export const COMMAND_CORPUS: CommandCase[] = [
  ...envelope,
  ...parameters,
  ...methods,
  ...routes,
  ...documents,
  ...variables,
  ...fields,
];
