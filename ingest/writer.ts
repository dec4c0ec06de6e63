/**
 * Collects graph records and writes them to the store in batches: nodes first (so relationships
 * find their endpoints and make fewer stubs), then relationships. Flushes run one at a time.
 */
import { NODE_LABELS, RELATIONSHIP_TYPES } from '../graph/model.js';
import type { GraphStore } from '../graph/store.js';
import { GraphRecords } from './records.js';
import { LIMIT_DEFAULTS } from '../core/config.js';

/** Rows worth a write when the store is idle (a commit costs about as much as 1,000 rows). */
const IDLE_BATCH_ROWS = 2000;

export class BatchWriter {
  private pending = new GraphRecords();
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private failure: Error | undefined;
  /** Rows written so far (nodes and relationships), and relationships alone. */
  written = 0;
  relationshipsWritten = 0;
  /** Time spent writing, in ms. */
  writeMs = 0;

  constructor(
    private readonly store: GraphStore,
    private readonly batchRows: number = LIMIT_DEFAULTS.writeBatchRows,
    private readonly onWritten?: (rows: number) => void,
  ) {}

  /**
   * Adds records. A full batch is written in the background while fetching goes on; the caller
   * waits only when two batches are already being written (backpressure).
   */
  async add(records: GraphRecords): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.pending.merge(records);
    // A full batch is written; so is a smaller one when the store has nothing to do, so that it
    // writes while the records come in rather than all at the end.
    const idle =
      this.inFlight === 0 && this.pending.size >= Math.min(IDLE_BATCH_ROWS, this.batchRows);
    if (this.pending.size < this.batchRows && !idle) return;
    const written = this.flush();
    if (this.inFlight > 2) await written;
    else
      written.catch((error: unknown) => {
        this.failure ??=
          error instanceof Error ? error : new Error('a write failed', { cause: error });
      });
  }

  /** Writes everything added so far; resolves when it (and every earlier flush) is stored. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new GraphRecords();
    this.inFlight++;
    this.chain = this.chain
      .then(() => this.write(batch))
      .finally(() => {
        this.inFlight--;
      });
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  private async write(batch: GraphRecords): Promise<void> {
    if (batch.size === 0) return;
    const started = performance.now();
    this.relationshipsWritten += await writeRecords(this.store, batch);
    this.writeMs += performance.now() - started;
    this.written += batch.size;
    this.onWritten?.(this.written);
  }
}

/**
 * Writes one batch: nodes first (so relationships find their endpoints and make fewer stubs), a
 * statement per label and type. Resolves with the relationships written.
 */
export async function writeRecords(store: GraphStore, batch: GraphRecords): Promise<number> {
  let relationships = 0;
  if (store.kind === 'embedded') {
    // Pipelined: the embedded store's host runs writes one at a time in the order they arrive
    // (nodes first still), so the next statement is on its way while one runs.
    const writes: Promise<unknown>[] = [];
    for (const label of NODE_LABELS) {
      const rows = batch.nodeRows(label);
      if (rows.length > 0) writes.push(store.upsertNodes(label, rows));
    }
    for (const type of RELATIONSHIP_TYPES) {
      const rows = batch.relationshipRows(type);
      if (rows.length > 0) writes.push(store.upsertRelationships(type, rows));
      relationships += rows.length;
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } else {
    for (const label of NODE_LABELS) {
      const rows = batch.nodeRows(label);
      if (rows.length > 0) await store.upsertNodes(label, rows);
    }
    for (const type of RELATIONSHIP_TYPES) {
      const rows = batch.relationshipRows(type);
      if (rows.length > 0) await store.upsertRelationships(type, rows);
      relationships += rows.length;
    }
  }
  return relationships;
}
