/**
 * The event log's process killed (`kill -9`) during a burst of mutations (docs/guarantees.md#an-acknowledged-write-is-in-the-log): every
 * mutation that was acknowledged has its events in the log after a restart on the same data, at the position
 * its consistency token names; the others answered UNAVAILABLE; and the projection catches up with whatever
 * the log holds, every appended event applied.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, it } from "vitest";
import { freePort } from "../../local/common/ports";
import { DEFAULTS } from "../../local/stack/config";
import { type KafkaProcess, startKafkaProcess } from "../support/kafka-process";
import { startSystem, type TestSystem } from "../support/system";
import { burstUntilKilled, expectOnlyAcknowledgedWrites } from "./support/crash-burst";

let dataDir: string;
let port: number;
let kafka: KafkaProcess;
let sys: TestSystem;

const startKafka = () =>
  startKafkaProcess({
    port,
    dataDir,
    username: DEFAULTS.UPSTASH_KAFKA_USERNAME,
    password: DEFAULTS.UPSTASH_KAFKA_PASSWORD,
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "todo-kafka-crash-"));
  port = await freePort();
  kafka = await startKafka();
  sys = await startSystem({ bindings: { UPSTASH_KAFKA_URL: kafka.url, UPSTASH_KAFKA_REST_URL: kafka.url } });
});

afterAll(async () => {
  await sys?.close();
  await kafka?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it("mutations: after kill -9 of the event log mid-burst and a restart, every acknowledged event is in the log and projected", async () => {
  const sent = await burstUntilKilled(sys, () => kafka.kill9());
  kafka = await startKafka();

  await expectOnlyAcknowledgedWrites(sys, sent);
});
