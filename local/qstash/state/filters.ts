/**
 * The filters of `GET /v2/events`, `GET|DELETE /v2/dlq`, `POST /v2/dlq/retry` and `DELETE /v2/messages`, read
 * from the query string. A value list (a repeated parameter) matches any of its values; different parameters
 * must all match. A parameter the endpoint does not know is refused with a 400 naming it, so that a typo
 * never turns a filtered bulk action into an unfiltered one.
 */
import { badRequest } from "../errors";
import { messageAddress, type QStashMessage } from "./message";

/** What a filter is compared with: a message, a DLQ entry or an event. */
export interface FilterSubject {
  messageId: string;
  dlqId?: string;
  url: string;
  topicName?: string;
  queueName?: string;
  scheduleId?: string;
  callerIp?: string;
  labels: readonly string[];
  flowControlKey?: string;
  state?: string;
  responseStatus?: number;
  /** Unix ms compared with fromDate and toDate. */
  time: number;
}

/** Parameters compared for equality with one field of the subject (any listed value matches). */
const FIELD_PARAMS = {
  url: (s: FilterSubject) => [s.url],
  topicName: (s: FilterSubject) => (s.topicName === undefined ? [] : [s.topicName]),
  queueName: (s: FilterSubject) => (s.queueName === undefined ? [] : [s.queueName]),
  scheduleId: (s: FilterSubject) => (s.scheduleId === undefined ? [] : [s.scheduleId]),
  callerIp: (s: FilterSubject) => (s.callerIp === undefined ? [] : [s.callerIp]),
  label: (s: FilterSubject) => s.labels,
  flowControlKey: (s: FilterSubject) => (s.flowControlKey === undefined ? [] : [s.flowControlKey]),
  state: (s: FilterSubject) => (s.state === undefined ? [] : [s.state]),
  responseStatus: (s: FilterSubject) => (s.responseStatus === undefined ? [] : [String(s.responseStatus)]),
  host: (s: FilterSubject) => [hostOf(s.url)],
  path: (s: FilterSubject) => [pathOf(s.url)],
} as const;

export type FilterParam =
  | keyof typeof FIELD_PARAMS
  | "messageId"
  | "messageIds"
  | "dlqIds"
  | "fromDate"
  | "toDate";
/** The filters `GET /v2/events` accepts. */
export const EVENT_FILTERS: readonly FilterParam[] = [
  "messageId",
  "messageIds",
  "state",
  "url",
  "topicName",
  "queueName",
  "scheduleId",
  "callerIp",
  "label",
  "flowControlKey",
  "host",
  "path",
  "fromDate",
  "toDate",
];

const except = (names: readonly FilterParam[], ...left: FilterParam[]) =>
  names.filter((n) => !left.includes(n));

/** The DLQ routes': the events' without state, host and path (QStash refuses those there), by dlqIds and status. */
export const DLQ_FILTERS: readonly FilterParam[] = [
  ...except(EVENT_FILTERS, "messageIds", "state", "host", "path"),
  "dlqIds",
  "responseStatus",
];

/** Bulk cancel's (`DELETE /v2/messages`): the events' without state and the single messageId. */
export const CANCEL_FILTERS: readonly FilterParam[] = except(EVENT_FILTERS, "messageId", "state");

/** Paging and batch-size parameters: read by the routes, allowed here so they are not refused. */
export type PagingParam = "count" | "cursor";

export interface Filter {
  /** True when no filter parameter was given (paging parameters do not count). */
  empty: boolean;
  matches(subject: FilterSubject): boolean;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

function epochMs(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw badRequest(`invalid ${name} "${value}": expected unix milliseconds`);
  return Number(value);
}

/**
 * Reads the filter parameters `allowed` for an endpoint (named in errors as `where`); paging parameters are
 * always allowed. `messageId`, `messageIds` and `dlqIds` select by id.
 */
export function parseFilter(query: URLSearchParams, allowed: readonly FilterParam[], where: string): Filter {
  const known = new Set<string>([...allowed, "count", "cursor"]);
  for (const name of new Set(query.keys())) {
    if (!known.has(name)) throw badRequest(`unsupported query parameter "${name}" on ${where}`);
  }
  const messageIds = new Set([...query.getAll("messageId"), ...query.getAll("messageIds")]);
  const dlqIds = new Set(query.getAll("dlqIds"));
  const fields = Object.entries(FIELD_PARAMS)
    .map(([name, read]) => ({ values: new Set(query.getAll(name)), read }))
    .filter((f) => f.values.size > 0);
  const from = query.get("fromDate");
  const to = query.get("toDate");
  const fromMs = from === null ? undefined : epochMs("fromDate", from);
  const toMs = to === null ? undefined : epochMs("toDate", to);
  return {
    empty: messageIds.size + dlqIds.size + fields.length === 0 && fromMs === undefined && toMs === undefined,
    matches(s) {
      if (messageIds.size > 0 && !messageIds.has(s.messageId)) return false;
      if (dlqIds.size > 0 && (s.dlqId === undefined || !dlqIds.has(s.dlqId))) return false;
      if (fromMs !== undefined && s.time < fromMs) return false;
      if (toMs !== undefined && s.time > toMs) return false;
      return fields.every((f) => f.read(s).some((v) => f.values.has(v)));
    },
  };
}

/** The subject of a message still pending, timed by its creation. */
export function messageSubject(message: QStashMessage, time = message.createdAt): FilterSubject {
  return {
    ...messageAddress(message),
    ...(message.callerIp !== undefined && { callerIp: message.callerIp }),
    labels: message.spec.labels,
    ...(message.spec.flowControl && { flowControlKey: message.spec.flowControl.key }),
    time,
  };
}

/** `count`: how many items one call returns or acts on (1 to `max`, `fallback` when absent). */
export function countParam(query: URLSearchParams, fallback: number, max: number): number {
  const raw = query.get("count");
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw badRequest(`invalid count "${raw}": expected an integer from 1 to ${max}`);
  return Number(raw);
}
