/**
 * Turns an Upstash REST request body into Redis commands (docs/protocols.md#command-encoding): `POST /` takes one command
 * `["set","k","v"]`, `/pipeline` and `/multi-exec` take a list `[["set","k",1],["get","k"]]`.
 * A body of the wrong shape is a whole-request error; an argument that cannot become bytes only fails its
 * own command, so that one bad command in a pipeline does not sink the others.
 */

/** One command ready for redis-server, or the reason it cannot be sent. */
export type ParsedCommand = { ok: true; args: Buffer[] } | { ok: false; error: string };

export type ParsedBody = { ok: true; commands: ParsedCommand[] } | { ok: false; error: string };

type Scalar = string | number | boolean | null;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeJson(body: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  if (body.length === 0) return { ok: false, error: "ERR empty request body; expected a JSON array" };
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, error: "ERR request body is not valid UTF-8" };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: `ERR invalid JSON in request body: ${(err as Error).message}` };
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** Checks that `value` is a non-empty array of scalars; returns a reason when it is not. */
function shapeError(value: unknown, where: string): string | undefined {
  if (!Array.isArray(value)) return `${where} must be a JSON array, got ${describe(value)}`;
  if (value.length === 0) return `${where} is empty; a command needs at least its name`;
  const bad = value.findIndex((v) => !isScalar(v));
  if (bad !== -1) {
    return `${where}, argument ${bad + 1} is ${describe(value[bad])}; arguments must be strings, numbers or booleans`;
  }
  return undefined;
}

/** JSON scalars to bytes: strings as UTF-8, numbers as their decimal text, booleans as "true"/"false". */
function toCommand(values: readonly Scalar[]): ParsedCommand {
  const args: Buffer[] = [];
  for (const [i, v] of values.entries()) {
    if (v === null) {
      // The client sends null only for an `undefined` argument: almost certainly a bug, so say so.
      return {
        ok: false,
        error: `ERR argument ${i + 1} is null; arguments must be strings, numbers or booleans`,
      };
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return { ok: false, error: `ERR argument ${i + 1} is not a finite number` };
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
        // JSON.parse has already rounded it; passing the rounded digits on would silently change the value.
        return {
          ok: false,
          error: `ERR argument ${i + 1} is an integer beyond 2^53 that JSON numbers cannot carry exactly; send it as a string`,
        };
      }
      args.push(Buffer.from(String(v), "latin1"));
    } else {
      args.push(Buffer.from(String(v), "utf8"));
    }
  }
  return { ok: true, args };
}

/** `POST /`: exactly one command. */
export function parseSingle(body: Buffer): ParsedBody {
  const decoded = decodeJson(body);
  if (!decoded.ok) return decoded;
  const { value } = decoded;
  if (Array.isArray(value) && value.some(Array.isArray)) {
    return {
      ok: false,
      error: 'ERR POST / takes one command such as ["get","k"]; send lists of commands to /pipeline',
    };
  }
  const reason = shapeError(value, "the command");
  if (reason !== undefined) return { ok: false, error: `ERR ${reason}` };
  return { ok: true, commands: [toCommand(value as Scalar[])] };
}

/** `POST /pipeline` and `POST /multi-exec`: a non-empty list of commands. */
export function parseList(body: Buffer): ParsedBody {
  const decoded = decodeJson(body);
  if (!decoded.ok) return decoded;
  const { value } = decoded;
  if (!Array.isArray(value)) {
    return { ok: false, error: `ERR the body must be a JSON array of commands, got ${describe(value)}` };
  }
  if (value.length === 0) return { ok: false, error: "ERR the body holds no commands" };
  for (const [i, command] of value.entries()) {
    const reason = shapeError(command, `command ${i + 1}`);
    if (reason !== undefined) return { ok: false, error: `ERR ${reason}` };
  }
  return { ok: true, commands: (value as Scalar[][]).map(toCommand) };
}

/** Builds a command from path-style arguments (already bytes). */
export function fromArgs(args: Buffer[]): ParsedCommand {
  return args.length === 0 ? { ok: false, error: "ERR no command given" } : { ok: true, args };
}
