/**
 * The event log contract against the Upstash Kafka REST adapter, over the Kafka emulator run as its own process
 * (so that the crash test can kill it and start it again on the same data).
 */
import { createUpstashKafkaEventLog } from "../../shared/event-log/upstash-kafka/event-log";
import { startKafkaProcess } from "../support/kafka-process";
import { eventLogContract } from "./contract";
import { processSubject } from "./process-subject";

/** Upstash Kafka's documented largest message, and what the adapter is held to here. */
const LARGEST_RECORD_BYTES = 1024 * 1024;

eventLogContract("upstash-kafka", () =>
  processSubject({
    name: "kafka",
    start: startKafkaProcess,
    adapter: createUpstashKafkaEventLog,
    subject: { largestRecordBytes: LARGEST_RECORD_BYTES },
  }),
);
