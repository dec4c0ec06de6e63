/**
 * Collects graph records and writes them to the store in batches: nodes first (so relationships
 * find their endpoints and make fewer stubs), then relationships. Flushes run one at a time.
 */
import { NODE_LABELS, RELATIONSHIP_TYPES } from '../graph/model.js';
import type { GraphStore } from '../graph/store.js';
import { GraphRecords } from './records.js';

export class BatchWriter {
  private pending = new GraphRecords();
  private chain: Promise<void> = Promise.resolve();
  /** Rows written so far (nodes and relationships). */
  written = 0;

  constructor(
    private readonly store: GraphStore,
    private readonly batchRows = 5000,
    private readonly onWritten?: (rows: number) => void,
  ) {}

  add(records: GraphRecords): Promise<void> {
    this.pending.merge(records);
    return this.pending.size >= this.batchRows ? this.flush() : Promise.resolve();
  }

  /** Writes everything added so far; resolves when it (and every earlier flush) is stored. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new GraphRecords();
    this.chain = this.chain.then(() => this.write(batch));
    return this.chain;
  }

  private async write(batch: GraphRecords): Promise<void> {
    if (batch.size === 0) return;
    for (const label of NODE_LABELS) {
      const rows = batch.nodeRows(label);
      if (rows.length > 0) await this.store.upsertNodes(label, rows);
    }
    for (const type of RELATIONSHIP_TYPES) {
      const rows = batch.relationshipRows(type);
      if (rows.length > 0) await this.store.upsertRelationships(type, rows);
    }
    this.written += batch.size;
    this.onWritten?.(this.written);
  }
}
