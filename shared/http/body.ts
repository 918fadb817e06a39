/**
 * Reading a request body under a size limit, decoded strictly as UTF-8. One policy for both workers: a declared
 * Content-Length over the limit is refused before reading; otherwise bytes are counted as they arrive (the header
 * may be absent or lie) and reading stops, cancelling the stream, once they pass the limit. A byte-order mark is
 * kept in the text, so the text is exactly what was sent (a signature over the body still holds); a reader that
 * wants to ignore it (JSON allows that) strips it itself.
 */

export type BodyRead =
  | { ok: true; bytes: Uint8Array; text: string }
  | { ok: false; status: 413; reason: string }
  | { ok: false; status: 400; reason: string };

export async function readBody(request: Request, maxBytes: number): Promise<BodyRead> {
  const tooLarge = { ok: false, status: 413, reason: `body larger than ${maxBytes} bytes` } as const;
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) return tooLarge;
  const bytes = await readAtMost(request, maxBytes);
  if (bytes === undefined) return tooLarge;
  try {
    return {
      ok: true,
      bytes,
      text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes),
    };
  } catch {
    return { ok: false, status: 400, reason: "body is not valid UTF-8" };
  }
}

/** Reads at most `maxBytes` of the body; undefined when there are more. */
export async function readAtMost(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
