/** How a partition's fold meets other folds: what it counts in a row, and when it gives way. */

/**
 * After this many lost compare-and-sets in a row, another invocation owns the partition's progress; after this many
 * batches refused in a row for a state that changed under them, the partition fails (QStash or the cron retries it).
 */
export const MAX_CONTENTION = 3;

/** Compare-and-sets lost in a row, and batches refused in a row for a state that changed under them. */
export type Contention = { lostInARow: number; staleInARow: number };
