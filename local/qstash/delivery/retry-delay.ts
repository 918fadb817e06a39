/**
 * `Upstash-Retry-Delay`: an arithmetic expression in milliseconds over the variable `retried`, with the
 * functions pow, sqrt, abs, exp, floor, ceil, round, min and max. Parsed by a small recursive-descent parser
 * into closures; user text is never handed to `eval` or `Function`.
 */

import type { RetryDelay } from "../state/spec";

type Node = (retried: number) => number;

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...args: number[]) => number }> = {
  pow: { arity: [2, 2], fn: (a = 0, b = 0) => a ** b },
  sqrt: { arity: [1, 1], fn: (a = 0) => Math.sqrt(a) },
  abs: { arity: [1, 1], fn: (a = 0) => Math.abs(a) },
  exp: { arity: [1, 1], fn: (a = 0) => Math.exp(a) },
  floor: { arity: [1, 1], fn: (a = 0) => Math.floor(a) },
  ceil: { arity: [1, 1], fn: (a = 0) => Math.ceil(a) },
  round: { arity: [1, 1], fn: (a = 0) => Math.round(a) },
  min: { arity: [1, 16], fn: (...xs) => Math.min(...xs) },
  max: { arity: [1, 16], fn: (...xs) => Math.max(...xs) },
};

const MAX_LENGTH = 512;
const TOKEN = /\s*(?:(\d+(?:\.\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/%(),]))/y;

type Token = { kind: "num"; value: number } | { kind: "name"; value: string } | { kind: "op"; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`unexpected character at ${at}: "${text.slice(at, at + 10)}"`);
    if (m[1] !== undefined) tokens.push({ kind: "num", value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: "name", value: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "op", value: m[3] });
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.sum();
    const extra = this.tokens[this.i];
    if (extra) throw new Error(`unexpected "${extra.value}"`);
    return node;
  }

  private peekOp(...ops: string[]): string | undefined {
    const t = this.tokens[this.i];
    return t?.kind === "op" && ops.includes(t.value) ? t.value : undefined;
  }

  private expectOp(op: string): void {
    if (!this.peekOp(op)) throw new Error(`expected "${op}"`);
    this.i += 1;
  }

  private sum(): Node {
    let left = this.product();
    for (let op = this.peekOp("+", "-"); op; op = this.peekOp("+", "-")) {
      this.i += 1;
      const l = left;
      const r = this.product();
      left = op === "+" ? (x) => l(x) + r(x) : (x) => l(x) - r(x);
    }
    return left;
  }

  private product(): Node {
    let left = this.unary();
    for (let op = this.peekOp("*", "/", "%"); op; op = this.peekOp("*", "/", "%")) {
      this.i += 1;
      const l = left;
      const r = this.unary();
      left = op === "*" ? (x) => l(x) * r(x) : op === "/" ? (x) => l(x) / r(x) : (x) => l(x) % r(x);
    }
    return left;
  }

  private unary(): Node {
    const op = this.peekOp("-", "+");
    if (!op) return this.primary();
    this.i += 1;
    const inner = this.unary();
    return op === "-" ? (x) => -inner(x) : inner;
  }

  private primary(): Node {
    const t = this.tokens[this.i];
    if (!t) throw new Error("unexpected end of expression");
    this.i += 1;
    if (t.kind === "num") return () => t.value;
    if (t.kind === "op") {
      if (t.value !== "(") throw new Error(`unexpected "${t.value}"`);
      const inner = this.sum();
      this.expectOp(")");
      return inner;
    }
    if (t.value === "retried") return (x) => x;
    // An own-property check: a plain lookup would find inherited names such as "constructor".
    const fn = Object.hasOwn(FUNCTIONS, t.value) ? FUNCTIONS[t.value] : undefined;
    if (!fn) throw new Error(`unknown name "${t.value}"`);
    this.expectOp("(");
    const args: Node[] = [this.sum()];
    while (this.peekOp(",")) {
      this.i += 1;
      args.push(this.sum());
    }
    this.expectOp(")");
    const [lo, hi] = fn.arity;
    if (args.length < lo || args.length > hi)
      throw new Error(`${t.value} takes ${lo === hi ? lo : `${lo}-${hi}`} argument(s)`);
    return (x) => fn.fn(...args.map((a) => a(x)));
  }
}

/** Compiles a retry-delay expression; throws with a readable reason when it is malformed. */
export function compileRetryDelay(expression: string): RetryDelay {
  if (expression.length > MAX_LENGTH) throw new Error(`expression longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(expression);
  if (tokens.length === 0) throw new Error("empty expression");
  return new Parser(tokens).parse();
}
