/**
 * Fixtures start their servers in `beforeAll`, so what they hand out exists only once the hooks have run.
 * Reading it earlier (at the top level of a test file) is a mistake worth a clear message, not `undefined`.
 */
export function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is started in beforeAll: use it inside tests and hooks`);
  return value;
}
