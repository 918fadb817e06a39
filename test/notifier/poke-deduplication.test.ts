/**
 * Poke deduplication ids: what QStash collapses into one delivery. Pokes of appends and continuations are one per
 * position; nudges from waiting writers are one per partition per window, however many writers wait and however
 * far the head moves meanwhile, so waiting writers cannot feed a storm of pokes.
 */
import { describe, expect, it } from "vitest";
import { NUDGE_WINDOW_MS, pokeDeduplicationId } from "../../shared/notifier/qstash";

const T = 1_700_000_000_000 - (1_700_000_000_000 % NUDGE_WINDOW_MS);

describe("pokeDeduplicationId", () => {
  it("pokeDeduplicationId: an append's poke is named by its position", () => {
    expect(pokeDeduplicationId({ partition: 2, offset: 41 }, "append", T)).toBe("append-p2-o41");
    expect(pokeDeduplicationId({ partition: 2, offset: 42 }, "append", T)).toBe("append-p2-o42");
    expect(pokeDeduplicationId({ partition: 2, offset: 42 }, "continue", T)).toBe("continue-p2-o42");
  });

  it("pokeDeduplicationId: nudges of one partition in one window share one id, whatever position they name", () => {
    const ids = new Set(
      Array.from({ length: 50 }, (_, i) =>
        pokeDeduplicationId({ partition: 0, offset: 100 + i }, "nudge", T + (i * (NUDGE_WINDOW_MS - 1)) / 50),
      ),
    );
    expect([...ids]).toEqual([pokeDeduplicationId({ partition: 0, offset: 0 }, "nudge", T)]);
  });

  it("pokeDeduplicationId: nudges differ across partitions and across windows, so a lost nudge is sent again", () => {
    const first = pokeDeduplicationId({ partition: 0, offset: 7 }, "nudge", T);
    expect(pokeDeduplicationId({ partition: 1, offset: 7 }, "nudge", T)).not.toBe(first);
    expect(pokeDeduplicationId({ partition: 0, offset: 7 }, "nudge", T + NUDGE_WINDOW_MS)).not.toBe(first);
    expect(pokeDeduplicationId({ partition: 0, offset: 7 }, "append", T)).not.toBe(first);
  });

  it("pokeDeduplicationId: a rebuild's post-switch poke never shares the id of a chunk of that rebuild at the same position", () => {
    const namespace = "todo:v1:g3";
    for (const offset of [0, 7])
      expect(pokeDeduplicationId({ partition: 2, offset }, "switch", T, namespace)).not.toBe(
        pokeDeduplicationId({ partition: 2, offset }, "rebuild", T, namespace),
      );
  });
});
