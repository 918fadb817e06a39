/**
 * Reading a request body under a size limit and a deadline, decoded strictly as UTF-8. One policy for both workers:
 * a declared Content-Length over the limit is refused before reading; otherwise bytes are counted as they arrive
 * (the header may be absent or lie) and reading stops, cancelling the stream, once they pass the limit, or once
 * the deadline passes with the body still arriving (a client trickling it would otherwise hold the request open for
 * as long as it liked). A byte-order mark is kept in the text, so the text is exactly what was sent (a signature
 * over the body still holds); a reader that wants to ignore it (JSON allows that) strips it itself.
 */

/**
 * How long a whole body may take to arrive, from the first read. Both workers' bodies are small (64 KiB at most),
 * so this is generous for a slow link, and a bound on what a slow client can hold.
 */
export const BODY_DEADLINE_MS = 10_000;

export type BodyRead =
  | { ok: true; bytes: Uint8Array; text: string }
  | { ok: false; status: 413; reason: string }
  | { ok: false; status: 408; reason: string }
  | { ok: false; status: 400; reason: string };

export async function readBody(
  request: Request,
  maxBytes: number,
  deadlineMs: number = BODY_DEADLINE_MS,
): Promise<BodyRead> {
  const tooLarge = { ok: false, status: 413, reason: `body larger than ${maxBytes} bytes` } as const;
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) return tooLarge;
  const read = await readAtMost(request, maxBytes, deadlineMs);
  if (read === "too large") return tooLarge;
  if (read === "too slow")
    return { ok: false, status: 408, reason: `body not received within ${deadlineMs} ms` };
  try {
    return {
      ok: true,
      bytes: read,
      text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(read),
    };
  } catch {
    return { ok: false, status: 400, reason: "body is not valid UTF-8" };
  }
}

/** Reads at most `maxBytes` of the body within `deadlineMs`; says which bound it crossed otherwise. */
export async function readAtMost(
  request: Request,
  maxBytes: number,
  deadlineMs: number,
): Promise<Uint8Array | "too large" | "too slow"> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), deadlineMs);
  });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") {
        // The pending read settles once the stream is cancelled; a cancel that fails changes nothing here.
        await reader.cancel().catch(() => {});
        return "too slow";
      }
      if (next.done) break;
      total += next.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        return "too large";
      }
      chunks.push(next.value);
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
