/**
 * One writer for all of a worker's jobs (a group commit). A job hands it the records of its visit
 * and waits until they are stored; what other jobs hand it while a write runs goes into the next
 * write, together. So a worker running many small jobs at once commits a few larger batches
 * instead of a transaction per label per job, which cost the store 10-20x the in-process ingest
 * (bench/RESULTS.md, the scale-out section).
 *
 * A job's promise settles with its own records' fate. When a write holding several jobs fails,
 * each of them is written again alone (upserts are idempotent), so one job's records the store
 * refuses fail that job only, not the healthy jobs that shared its write. A job is marked done
 * only after its own records are stored.
 */
import { LIMIT_DEFAULTS } from '../../core/config.js';
import type { GraphStore } from '../../graph/store.js';
import { GraphRecords } from '../records.js';
import { writeRecords } from '../writer.js';

interface Handed {
  records: GraphRecords;
  stored: () => void;
  failed: (error: unknown) => void;
}

export class GroupWriter {
  private queue: Handed[] = [];
  private writing = false;
  /** Writes made and rows written (what a bench or a test reads). */
  writes = 0;
  rowsWritten = 0;

  /** `batchRows`: rows one write holds at most, unless one job's records alone are more. */
  constructor(
    private readonly store: GraphStore,
    readonly batchRows: number = LIMIT_DEFAULTS.writeBatchRows,
  ) {}

  /** Resolves once these records are stored; rejects with the failure of the write that held them. */
  write(records: GraphRecords): Promise<void> {
    if (records.size === 0) return Promise.resolve();
    return new Promise<void>((stored, failed) => {
      this.queue.push({ records, stored, failed });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    // Jobs that finish their visit in the same turn of the event loop join the first write.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const taken: Handed[] = [];
      const batch = new GraphRecords();
      while (this.queue.length > 0) {
        const next = this.queue[0] as Handed;
        if (taken.length > 0 && batch.size + next.records.size > this.batchRows) break;
        taken.push(next);
        this.queue.shift();
        batch.merge(next.records);
      }
      try {
        await this.writeCounted(batch);
        for (const job of taken) job.stored();
      } catch (error) {
        if (taken.length === 1) (taken[0] as Handed).failed(error);
        else for (const job of taken) await this.writeAlone(job);
      }
    }
    this.writing = false;
  }

  /** Writes one job's records on their own, and settles it with what the store said. */
  private async writeAlone(job: Handed): Promise<void> {
    try {
      await this.writeCounted(job.records);
      job.stored();
    } catch (error) {
      job.failed(error);
    }
  }

  private async writeCounted(batch: GraphRecords): Promise<void> {
    await writeRecords(this.store, batch);
    this.writes++;
    this.rowsWritten += batch.size;
  }
}
