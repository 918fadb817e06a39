/**
 * What a block of operations costs the whole system, background work included: emulator requests and CPU time
 * per process kind, from the block's start until QStash has delivered every poke it caused and the projector
 * has answered them. Totals accumulate over blocks and are reported per operation.
 */
import { type CpuTimes, cpuSince, readCpu } from "./cpu";
import { qstashIdle, readCounts, resetCounts } from "./emulators";
import type { BenchStack } from "./system";

export interface CostPerOp {
  ops: number;
  /** Emulator requests (Redis REST, Kafka, QStash) per operation. */
  requests: number;
  /** CPU ms per operation and process kind; absent off Linux. */
  cpu?: CpuTimes;
}

export class CostMeter {
  private ops = 0;
  private requests = 0;
  private cpu: CpuTimes | undefined = { bench: 0, emulators: 0, redis: 0, workerd: 0 };

  constructor(private readonly stack: BenchStack) {}

  /** Runs a block of `ops` operations and adds its cost. */
  async measure(ops: number, block: () => Promise<void>): Promise<void> {
    await resetCounts(this.stack);
    const before = readCpu();
    await block();
    await qstashIdle(this.stack);
    const used = cpuSince(before);
    this.requests += (await readCounts(this.stack)).total;
    this.ops += ops;
    if (!used || !this.cpu) {
      this.cpu = undefined;
      return;
    }
    for (const kind of Object.keys(used) as Array<keyof CpuTimes>) this.cpu[kind] += used[kind];
  }

  perOp(): CostPerOp {
    const per = (n: number) => Math.round((n / (this.ops || 1)) * 100) / 100;
    const cpu = this.cpu;
    return {
      ops: this.ops,
      requests: per(this.requests),
      ...(cpu && {
        cpu: {
          bench: per(cpu.bench),
          emulators: per(cpu.emulators),
          redis: per(cpu.redis),
          workerd: per(cpu.workerd),
        },
      }),
    };
  }
}
