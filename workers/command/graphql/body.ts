import { readAtMost } from "../../../shared/http/body";
import { GraphQLRequestError } from "./errors";
import { JSON_MEDIA_TYPE, parseContentType } from "./media-type";

/**
 * Reads a GraphQL POST body as text: checks the media type (application/json only, UTF-8 only), enforces
 * the size limit before and while reading, and decodes strictly so invalid UTF-8 is a 400, not mojibake.
 */
export async function readJsonBody(request: Request, maxBodyBytes: number): Promise<string> {
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
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBodyBytes) {
    throw tooLarge(maxBodyBytes);
  }
  const bytes = await readAtMost(request, maxBodyBytes);
  if (bytes === undefined) throw tooLarge(maxBodyBytes);
  if (bytes.byteLength === 0) {
    throw new GraphQLRequestError(400, "BAD_REQUEST", "Request body is empty: send a JSON object.");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new GraphQLRequestError(400, "BAD_REQUEST", "Request body is not valid UTF-8.");
  }
}

function tooLarge(maxBodyBytes: number): GraphQLRequestError {
  return new GraphQLRequestError(413, "PAYLOAD_TOO_LARGE", `Request body exceeds ${maxBodyBytes} bytes.`);
}
