/**
 * `npm run repartition -- --to-topic NAME --to-partitions N`: copies the event log the environment names (the
 * workers' bindings: `EVENT_LOG`, its address and credentials, `EVENT_LOG_TOPIC` or `UPSTASH_KAFKA_TOPIC`,
 * `EVENT_LOG_PARTITIONS`) into a new topic of N partitions on the same backend (see copy.ts). Progress goes to
 * stderr, the result as one JSON line to stdout. For Kafka and Redpanda, create the new topic with N partitions
 * first; Redis Streams needs nothing.
 */
import { parseArgs } from "node:util";
import { eventLogConfig } from "../../shared/config/event-log";
import { createEventLog } from "../../shared/event-log/create";
import { repartition } from "./copy";

const { values } = parseArgs({
  options: { "to-topic": { type: "string" }, "to-partitions": { type: "string" } },
});
const topic = values["to-topic"];
const partitions = Number(values["to-partitions"]);
if (!topic || !Number.isInteger(partitions) || partitions < 1) {
  console.error(
    "usage: npm run repartition -- --to-topic NAME --to-partitions N (the old log from the environment)",
  );
  process.exit(2);
}

const source = eventLogConfig(process.env);
if (source.topic === topic) {
  console.error(`repartition: --to-topic must name a new topic, not the old log's ${topic}`);
  process.exit(2);
}
try {
  const result = await repartition(createEventLog(source), createEventLog({ ...source, topic, partitions }), {
    progress: (message) => process.stderr.write(`repartition: ${message}\n`),
  });
  const summary = {
    copied: result.copied,
    from: { topic: source.topic, partitions: source.partitions, heads: result.from },
    to: { topic, partitions, heads: result.to },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} catch (err) {
  console.error(`repartition: ${(err as Error).message}`);
  process.exit(1);
}
