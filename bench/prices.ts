/**
 * Published prices and limits the capacity and cost model uses, in one place so that they are easy to update.
 * Every figure names the page it was read from and the date it was read (`read`); where the page shows its own
 * date, `pageDate` has it. A figure the stored pages did not give is `null` with a `note` saying so: the model
 * then leaves that cost out and says why, never guesses. All prices in USD.
 */

export interface Source {
  url: string;
  /** The day the page was read for this file (UTC). */
  read: string;
  /** The date the page itself shows, when it shows one. */
  pageDate?: string;
}

/** A figure with where it came from. `value: null` means the pages consulted did not publish it. */
export interface Priced {
  value: number | null;
  source: Source;
  note?: string;
}

const READ = "2026-11-29";

/** A page read on READ, showing its own date when it has one. */
const page = (url: string, pageDate?: string): Source => ({ url, read: READ, ...(pageDate && { pageDate }) });

const UPSTASH_REDIS = page(
  "https://upstash.com/docs/redis/overall/billing (stored copy: website-6koc79o81-upstash.vercel.app/docs/redis/overall/billing.md)",
);
const UPSTASH_REDIS_CROSSCHECK = page(
  "https://docs.flexprice.io/cookbooks/pricing-teardowns/upstash-pricing.md (capture of upstash.com/pricing/redis)",
  "2026-11-09",
);
const QSTASH = page("https://upstash.com/pricing/qstash.md");
const QSTASH_DOCS = page("https://upstash.com/docs/qstash/overall/pricing");
const WORKERS_PRICING = page("https://developers.cloudflare.com/workers/platform/pricing/");
const WORKERS_LIMITS = page("https://developers.cloudflare.com/workers/platform/limits/index.md");
const REDPANDA_BILLING = page("https://docs.redpanda.com/redpanda-cloud/billing/billing/");
const DURABLE_OBJECTS_PRICING: Source = {
  url: "https://developers.cloudflare.com/durable-objects/platform/pricing",
  read: "2026-12-06",
};
const DURABLE_OBJECTS_CHANGELOG: Source = {
  url: "https://developers.cloudflare.com/durable-objects/platform/changelog/ (2024-04-01: 20:1 for WebSocket messages)",
  read: "2026-12-06",
};

export const PRICES = {
  upstashRedis: {
    payAsYouGo: {
      per100kCommands: { value: 0.2, source: UPSTASH_REDIS_CROSSCHECK } as Priced,
      /** Bandwidth free up to this many GB a month, then `bandwidthPerGb`. */
      freeBandwidthGbPerMonth: { value: 200, source: UPSTASH_REDIS } as Priced,
      bandwidthPerGb: { value: 0.03, source: UPSTASH_REDIS } as Priced,
      /** Storage per GB-month beyond the first free GB. */
      storagePerGbMonth: { value: 0.25, source: UPSTASH_REDIS, note: "first 1 GB free" } as Priced,
      freeStorageGb: { value: 1, source: UPSTASH_REDIS } as Priced,
      maxDataSizeGb: { value: 100, source: UPSTASH_REDIS } as Priced,
      maxCommandsPerSecond: { value: 10_000, source: UPSTASH_REDIS } as Priced,
      maxRequestBytes: {
        value: null,
        source: UPSTASH_REDIS,
        note: "the stored billing page gives the request-size limit for the free tier only",
      } as Priced,
    },
    free: {
      /** Upstash's free tier is counted per month now (500K), not per day as it once was. */
      commandsPerMonth: { value: 500_000, source: UPSTASH_REDIS } as Priced,
      commandsPerDay: {
        value: null,
        source: UPSTASH_REDIS,
        note: "no daily command limit is published any more; the free tier counts 500K commands a month",
      } as Priced,
      maxCommandsPerSecond: { value: 10_000, source: UPSTASH_REDIS } as Priced,
      maxRequestBytes: { value: 10 * 1024 * 1024, source: UPSTASH_REDIS, note: "10 MB" } as Priced,
      maxRecordBytes: { value: 100 * 1024 * 1024, source: UPSTASH_REDIS, note: "100 MB" } as Priced,
      bandwidthGbPerMonth: { value: 10, source: UPSTASH_REDIS } as Priced,
      dataSizeMb: { value: 256, source: UPSTASH_REDIS } as Priced,
    },
  },
  qstash: {
    payAsYouGo: {
      per100kMessages: {
        value: 1,
        source: QSTASH,
        note: "the pricing page says retries are free; the docs' FAQ counts each delivery attempt as a message. The model counts first deliveries only",
      } as Priced,
      messagesPerDay: {
        value: null,
        source: QSTASH,
        note: "'Unlimited' on upstash.com/pricing/qstash.md; the older docs page capped pay-as-you-go at 500,000 a day and 100 requests/s",
      } as Priced,
      olderDocsMessagesPerDay: { value: 500_000, source: QSTASH_DOCS } as Priced,
      olderDocsRequestsPerSecond: { value: 100, source: QSTASH_DOCS } as Priced,
      freeBandwidthGbPerMonth: { value: 50, source: QSTASH } as Priced,
      bandwidthPerGb: { value: 0.05, source: QSTASH } as Priced,
    },
    free: {
      messagesPerDay: {
        value: 1_000,
        source: QSTASH,
        note: "the older docs page says 500 a day",
      } as Priced,
      maxMessageBytes: { value: 1024 * 1024, source: QSTASH, note: "1 MB" } as Priced,
    },
  },
  workers: {
    free: {
      requestsPerDay: { value: 100_000, source: WORKERS_PRICING } as Priced,
      cpuMsPerInvocation: { value: 10, source: WORKERS_PRICING } as Priced,
      subrequestsPerInvocation: { value: 50, source: WORKERS_LIMITS } as Priced,
    },
    paid: {
      basePerMonth: { value: 5, source: WORKERS_PRICING } as Priced,
      includedRequestsPerMonth: { value: 10_000_000, source: WORKERS_PRICING } as Priced,
      perExtraMillionRequests: { value: 0.3, source: WORKERS_PRICING } as Priced,
      includedCpuMsPerMonth: { value: 30_000_000, source: WORKERS_PRICING } as Priced,
      perExtraMillionCpuMs: { value: 0.02, source: WORKERS_PRICING } as Priced,
      subrequestsPerInvocation: {
        value: 10_000,
        source: WORKERS_LIMITS,
        note: "the current limits page says 10,000/request; older copies of it (developers.cloudflare.com/workers/about/limits/) say 1,000",
      } as Priced,
      cpuMsPerInvocation: {
        value: 30_000,
        source: WORKERS_PRICING,
        note: "30 s by default on the pricing page; the limits page allows up to 5 min",
      } as Priced,
    },
    /** Cloudflare does not bill subrequests (pricing page, footnote 1); they are limited per invocation only. */
    subrequestsBilled: false,
  },
  /** Durable Objects on the Workers Paid plan: the live-update hubs (one per list). */
  durableObjects: {
    paid: {
      /** HTTP requests, RPC calls, alarms and incoming WebSocket messages (see below) count as requests. */
      includedRequestsPerMonth: { value: 1_000_000, source: DURABLE_OBJECTS_PRICING } as Priced,
      perExtraMillionRequests: { value: 0.15, source: DURABLE_OBJECTS_PRICING } as Priced,
      /** Wall-clock time while an object runs (not while it is idle and may hibernate), at 128 MB. */
      includedGbSecondsPerMonth: { value: 400_000, source: DURABLE_OBJECTS_PRICING } as Priced,
      perExtraMillionGbSeconds: { value: 12.5, source: DURABLE_OBJECTS_PRICING } as Priced,
      memoryGb: {
        value: 0.128,
        source: DURABLE_OBJECTS_PRICING,
        note: "duration is billed at 128 MB per object",
      } as Priced,
      /** Incoming WebSocket messages billed per request; outgoing messages are not billed. */
      incomingMessagesPerRequest: { value: 20, source: DURABLE_OBJECTS_CHANGELOG } as Priced,
    },
  },
  upstashKafka: {
    perRequest: {
      value: null,
      source: {
        url: "https://upstash.com/blog/workflow-kafka (Upstash's deprecation notice)",
        read: READ,
      },
      note: "Upstash Kafka was shut down in March 2025 (see docs/protocols.md#the-service-is-gone); shown for comparison only, unpriced",
    } as Priced,
  },
  redpanda: {
    serverless: {
      value: null,
      source: REDPANDA_BILLING,
      note: "Redpanda Serverless bills GB in, GB out, GB stored, partition-hours and uptime, per region; the stored pages give no figures (they point to redpanda.com's price estimator). Self-hosted: the cost of your own machines. The model counts requests to your HTTP Proxy only",
    } as Priced,
  },
} as const;

/** Seconds in the month the model bills (30 days). */
export const SECONDS_PER_MONTH = 30 * 24 * 3600;
