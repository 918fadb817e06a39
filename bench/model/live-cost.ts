/**
 * What live updates cost per 1,000 connected clients a month, at the Durable Objects and Workers prices of
 * bench/prices.ts, under the assumptions written next to the numbers (`LIVE_ASSUMPTIONS`). The hub's active time per
 * notice is an assumption too: the bench runs the hub on this machine's workerd against local emulators, whose wall
 * time says nothing of a hub reading Upstash from Cloudflare.
 */
import { PRICES, type Priced } from "../prices";

export interface LiveAssumptions {
  clients: number;
  /** Clients per list (a person's devices, or the people sharing a list). */
  clientsPerList: number;
  /** Hours a day a client's socket is open (a tab or an app in the foreground). */
  connectedHoursPerDay: number;
  /** Socket openings a day per client (the app opened, woken, or back online). */
  connectionsPerDay: number;
  /** Incoming messages per connection besides pings: connection_init and subscribe. */
  messagesPerConnection: number;
  /** The app's keep-alive: one ping per this many seconds while connected (answered without waking the hub). */
  pingEverySeconds: number;
  /** Changes a day per list that reach its hub (each applied batch that changed the list is one notice). */
  noticesPerListPerDay: number;
  /** How long a hub runs per notice: its read of the tasks and the key (one Redis round trip) and the sends. */
  activeMsPerNotice: number;
}

export const LIVE_ASSUMPTIONS: LiveAssumptions = {
  clients: 1000,
  clientsPerList: 2,
  connectedHoursPerDay: 8,
  connectionsPerDay: 6,
  messagesPerConnection: 2,
  pingEverySeconds: 20,
  noticesPerListPerDay: 50,
  activeMsPerNotice: 30,
};

const DAYS = 30;

function price(p: Priced): number {
  if (p.value === null)
    throw new Error(`bench/prices.ts: ${p.note ?? "a price the live model needs is missing"}`);
  return p.value;
}

export interface LiveCost {
  assumptions: LiveAssumptions;
  /** Billed Durable Object requests a month: connections, notices, and incoming messages at 20:1. */
  requests: number;
  /** GB-seconds a month of hubs running (notices and connections; idle hubs may hibernate and cost none). */
  gbSeconds: number;
  /** Worker requests a month: socket upgrades and the projector's notices to POST /live. */
  workerRequests: number;
  /** USD a month, each above what the Paid plan includes (the included amounts are shared with everything else). */
  usd: { requests: number; duration: number; workerRequests: number; total: number };
  /** The same, counting no included amounts (what it adds to a deployment that already uses them up). */
  usdWithoutIncluded: { requests: number; duration: number; workerRequests: number; total: number };
}

export function liveCost(a: LiveAssumptions = LIVE_ASSUMPTIONS): LiveCost {
  const dop = PRICES.durableObjects.paid;
  const lists = a.clients / a.clientsPerList;
  const connections = a.clients * a.connectionsPerDay * DAYS;
  const pings = a.clients * ((a.connectedHoursPerDay * 3600) / a.pingEverySeconds) * DAYS;
  const incoming = connections * a.messagesPerConnection + pings;
  const notices = lists * a.noticesPerListPerDay * DAYS;
  const requests = connections + notices + incoming / price(dop.incomingMessagesPerRequest);
  // A connection's handshake runs the hub for about as long as a notice does (an attachment, an alarm).
  const gbSeconds = ((notices + connections) * a.activeMsPerNotice * price(dop.memoryGb)) / 1000;
  const workerRequests = connections + notices;
  const money = (x: number) => Math.round(x * 100) / 100;
  const over = (used: number, included: number, perMillion: number) =>
    (Math.max(0, used - included) / 1e6) * perMillion;
  const paid = PRICES.workers.paid;
  const priced = (included: boolean) => {
    const r = over(
      requests,
      included ? price(dop.includedRequestsPerMonth) : 0,
      price(dop.perExtraMillionRequests),
    );
    const d = over(
      gbSeconds,
      included ? price(dop.includedGbSecondsPerMonth) : 0,
      price(dop.perExtraMillionGbSeconds),
    );
    const w = over(
      workerRequests,
      included ? price(paid.includedRequestsPerMonth) : 0,
      price(paid.perExtraMillionRequests),
    );
    return { requests: money(r), duration: money(d), workerRequests: money(w), total: money(r + d + w) };
  };
  return {
    assumptions: a,
    requests: Math.round(requests),
    gbSeconds: Math.round(gbSeconds),
    workerRequests: Math.round(workerRequests),
    usd: priced(true),
    usdWithoutIncluded: priced(false),
  };
}

export function renderLiveCost(c: LiveCost = liveCost()): string {
  const a = c.assumptions;
  return [
    `### Live updates: cost per ${a.clients.toLocaleString("en")} connected clients a month (Workers Paid)`,
    "",
    `Assumptions: ${a.clientsPerList} clients per list (${a.clients / a.clientsPerList} hubs); each connected ` +
      `${a.connectedHoursPerDay} h a day, opening its socket ${a.connectionsPerDay} times a day ` +
      `(${a.messagesPerConnection} messages each) and pinging every ${a.pingEverySeconds} s (answered without waking ` +
      `the hub, billed as incoming messages, 20 per request); ${a.noticesPerListPerDay} notices a day per list; a hub ` +
      `runs ${a.activeMsPerNotice} ms per notice or connection at 128 MB, and sleeps otherwise (hibernation).`,
    "",
    "| | a month | USD beyond the plan's included amounts | USD counting none included |",
    "|---|---:|---:|---:|",
    `| Durable Object requests | ${c.requests.toLocaleString("en")} | ${c.usd.requests} | ${c.usdWithoutIncluded.requests} |`,
    `| Durable Object duration (GB-s) | ${c.gbSeconds.toLocaleString("en")} | ${c.usd.duration} | ${c.usdWithoutIncluded.duration} |`,
    `| Worker requests (upgrades, POST /live) | ${c.workerRequests.toLocaleString("en")} | ${c.usd.workerRequests} | ${c.usdWithoutIncluded.workerRequests} |`,
    `| **total** | | **${c.usd.total}** | **${c.usdWithoutIncluded.total}** |`,
    "",
    "Prices: bench/prices.ts (durableObjects, workers; read 2026-12-06). Outgoing messages are not billed.",
    "",
  ].join("\n");
}
