/** One structured JSON log line per step, in the spirit of the original's console output. */
export function logStep(worker: string, message: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ worker, msg: message, ...fields }));
}
