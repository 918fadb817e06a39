import { BODY_DEADLINE_MS, readBody } from "../../../shared/http/body";
import { GraphQLRequestError } from "./errors";
import { JSON_MEDIA_TYPE, parseContentType } from "./media-type";

/**
 * Reads a GraphQL POST body as text: checks the media type (application/json only, UTF-8 only), then reads it
 * through the shared bounded, strict UTF-8 reader, so an oversized body is a 413, one still arriving at the
 * reader's deadline a 408, and invalid UTF-8 a 400, never mojibake. A leading byte-order mark is dropped, as JSON allows a parser to do.
 */
export async function readJsonText(request: Request, maxBodyBytes: number): Promise<string> {
  const header = request.headers.get("content-type");
  if (header === null) {
    throw new GraphQLRequestError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "Missing Content-Type: send application/json.",
    );
  }
  const { mediaType, charset } = parseContentType(header);
  if (mediaType !== JSON_MEDIA_TYPE) {
    throw new GraphQLRequestError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "Unsupported Content-Type: POST bodies must be application/json.",
    );
  }
  if (charset !== undefined && charset !== "utf-8") {
    throw new GraphQLRequestError(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported charset: send UTF-8.");
  }
  const read = await readBody(request, maxBodyBytes);
  if (!read.ok && read.status === 413) {
    throw new GraphQLRequestError(413, "PAYLOAD_TOO_LARGE", `Request body exceeds ${maxBodyBytes} bytes.`);
  }
  if (!read.ok && read.status === 408) {
    throw new GraphQLRequestError(
      408,
      "REQUEST_TIMEOUT",
      `Request body not received within ${BODY_DEADLINE_MS} ms: send it whole, at once.`,
    );
  }
  if (!read.ok) throw new GraphQLRequestError(400, "BAD_REQUEST", "Request body is not valid UTF-8.");
  if (read.bytes.byteLength === 0) {
    throw new GraphQLRequestError(400, "BAD_REQUEST", "Request body is empty: send a JSON object.");
  }
  return read.text.charCodeAt(0) === 0xfeff ? read.text.slice(1) : read.text;
}
