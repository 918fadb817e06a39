/** Path and query parameters, rejected with the words pandaproxy uses (`Missing mandatory parameter 'x'`). */
import { badParameter } from "../errors";

/** A path segment decoded; an empty one is missing, one that does not decode is invalid. */
export function decodeSegment(raw: string | undefined, name: string): string {
  if (raw === undefined || raw === "") throw badParameter(`Missing mandatory parameter '${name}'`);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badParameter(`Invalid parameter '${name}' got '${raw}'`);
  }
}

export const decodeTopic = (raw: string | undefined): string => decodeSegment(raw, "topic_name");

/** A decimal integer parameter within [min, max]; absent or empty is missing. */
export function integerParameter(
  raw: string | null | undefined,
  name: string,
  min: number,
  max: number,
): number {
  if (raw === null || raw === undefined || raw === "")
    throw badParameter(`Missing mandatory parameter '${name}'`);
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw badParameter(`Invalid parameter '${name}' got '${raw}'`);
  }
  return n;
}
