/**
 * Flow-control keys: the limits of the latest publish with a key (parallelism, rate per period) gate its
 * deliveries. `/v2/flowControl/{key}` shows a key's state and can pause it, resume it, reset its rate
 * window, and pin limits that override what later publishes ask for until they are unpinned.
 */

import { QStashRequestError } from "../errors";
import { Gate } from "./gate";
import type { FlowControlSpec } from "./spec";

interface Limits {
  parallelism?: number;
  rate?: number;
  periodMs: number;
}

interface FlowKey {
  key: string;
  gate: Gate;
  published: Limits;
  pinned: { parallelism?: number; rate?: number; periodMs?: number };
  paused: boolean;
}

export interface PinRequest {
  parallelism?: number;
  rate?: number;
  /** Seconds. */
  period?: number;
}

export class FlowControlKeys {
  private keys = new Map<string, FlowKey>();

  /** Applies a publish's limits to its key, creating the key on first use. */
  register(spec: FlowControlSpec): void {
    const published = { parallelism: spec.parallelism, rate: spec.rate, periodMs: spec.periodMs };
    const existing = this.keys.get(spec.key);
    if (existing) {
      existing.published = published;
      this.apply(existing);
      return;
    }
    const entry: FlowKey = { key: spec.key, gate: new Gate(published), published, pinned: {}, paused: false };
    this.keys.set(spec.key, entry);
  }

  /** The gate of a key, if any message used it. */
  gate(key: string): Gate | undefined {
    return this.keys.get(key)?.gate;
  }

  /** The JSON shape of `GET /v2/flowControl/{key}` (counts and limits; 0 when a limit is unset). */
  info(key: string): Record<string, unknown> {
    const k = this.get(key);
    const limits = this.effective(k);
    const window = k.gate.rateWindow();
    return {
      flowControlKey: k.key,
      waitListSize: k.gate.waiting,
      parallelismMax: limits.parallelism ?? 0,
      parallelismCount: k.gate.inUse,
      rateMax: limits.rate ?? 0,
      rateCount: window.count,
      ratePeriod: limits.periodMs / 1000,
      ratePeriodStart: window.start,
      isPaused: k.paused,
      isPinnedParallelism: k.pinned.parallelism !== undefined,
      isPinnedRate: k.pinned.rate !== undefined,
    };
  }

  list(): Array<Record<string, unknown>> {
    return [...this.keys.keys()].map((key) => this.info(key));
  }

  setPaused(key: string, paused: boolean): void {
    const k = this.get(key);
    k.paused = paused;
    this.apply(k);
  }

  resetRate(key: string): void {
    this.get(key).gate.resetRate();
  }

  pin(key: string, pin: PinRequest): void {
    const k = this.get(key);
    if (pin.parallelism !== undefined) k.pinned.parallelism = pin.parallelism;
    if (pin.rate !== undefined) k.pinned.rate = pin.rate;
    if (pin.period !== undefined) k.pinned.periodMs = pin.period * 1000;
    this.apply(k);
  }

  unpin(key: string, what: { parallelism: boolean; rate: boolean }): void {
    const k = this.get(key);
    if (what.parallelism) delete k.pinned.parallelism;
    if (what.rate) {
      delete k.pinned.rate;
      delete k.pinned.periodMs;
    }
    this.apply(k);
  }

  close(): void {
    for (const k of this.keys.values()) k.gate.close();
  }

  private get(key: string): FlowKey {
    const k = this.keys.get(key);
    if (!k) throw new QStashRequestError(404, `flow control key ${key} not found`);
    return k;
  }

  private effective(k: FlowKey): Limits {
    return {
      parallelism: k.pinned.parallelism ?? k.published.parallelism,
      rate: k.pinned.rate ?? k.published.rate,
      periodMs: k.pinned.periodMs ?? k.published.periodMs,
    };
  }

  private apply(k: FlowKey): void {
    k.gate.update({ ...this.effective(k), paused: k.paused });
  }
}
