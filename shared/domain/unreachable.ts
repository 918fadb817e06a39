/** Ends an exhaustive switch: the compiler proves it is never called; at run time it names what slipped through. */
export function unreachable(value: never, what: string): never {
  throw new TypeError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
