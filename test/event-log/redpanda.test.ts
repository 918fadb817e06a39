/**
 * The event log contract against the Redpanda adapter, over the Redpanda HTTP Proxy emulator run as its own
 * process (so that the crash test can kill it and start it again on the same data).
 */
import { createRedpandaEventLog, MAX_RECORD_BYTES } from "../../shared/event-log/redpanda/event-log";
import { startRedpandaProcess } from "../support/redpanda-process";
import { eventLogContract } from "./contract";
import { processSubject } from "./process-subject";

eventLogContract("redpanda", () =>
  processSubject({
    name: "redpanda",
    start: startRedpandaProcess,
    adapter: createRedpandaEventLog,
    subject: {
      largestRecordBytes: MAX_RECORD_BYTES,
      // The proxy's produce names the topic in its path, not its body.
      appendsTo: (topic) => ({ path: `/topics/${topic}` }),
      timestamps: false,
    },
  }),
);
