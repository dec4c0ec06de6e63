/**
 * The trust graph and its stored scores, loaded once and shared by the views that need the whole
 * graph (roots, chokepoints, what-if, diff; `/api/graph` is cut by the store, server/graph-cut.ts): streaming a 250,000-item graph out of the store takes
 * seconds, and the explorer asks for several views at once. An API ingest clears it; writes from
 * elsewhere (`trustmap score`, CLI workers on Neo4j) show after at most `maxAgeMs`. Nothing here
 * scores: every view shows the scores the last run stored, with that run's anchors.
 */
import type { GraphStore } from '../graph/store.js';
import { loadTrustGraph, type TrustGraph } from '../trust/load.js';
import { storedScores, type ScoredGraph } from '../trust/stored-scores.js';

interface Entry<T> {
  /** When the load finished (when it started, while it runs). */
  at: number;
  /** False while the load runs: requests meanwhile share it, however long it takes. */
  settled: boolean;
  value: Promise<T>;
}

export class TrustGraphCache {
  private graphEntry: Entry<TrustGraph> | undefined;
  private scoresEntry: Entry<ScoredGraph> | undefined;

  constructor(
    private readonly store: GraphStore,
    private readonly maxAgeMs = 30_000,
  ) {}

  graph(): Promise<TrustGraph> {
    this.graphEntry = this.fresh(
      this.graphEntry,
      () => loadTrustGraph(this.store),
      () => {
        this.graphEntry = undefined;
      },
    );
    return this.graphEntry.value;
  }

  /** The stored scores over the stored graph; NotFoundError when nothing is scored yet. */
  scores(): Promise<ScoredGraph> {
    this.scoresEntry = this.fresh(
      this.scoresEntry,
      async () => storedScores(await this.graph()),
      () => {
        this.scoresEntry = undefined;
      },
    );
    return this.scoresEntry.value;
  }

  /** Forgets what was loaded: the next view reads the store again. */
  invalidate(): void {
    this.graphEntry = undefined;
    this.scoresEntry = undefined;
  }

  private fresh<T>(
    entry: Entry<T> | undefined,
    load: () => Promise<T>,
    forget: () => void,
  ): Entry<T> {
    // The age counts from the end of the load: counted from its start, a load longer than
    // `maxAgeMs` (35 s for a 1.5M-relationship graph) was stale on arrival and every request
    // loaded the whole graph again.
    if (entry !== undefined && (!entry.settled || Date.now() - entry.at < this.maxAgeMs))
      return entry;
    const value = load();
    const next: Entry<T> = { at: Date.now(), settled: false, value };
    value.then(
      () => {
        next.at = Date.now();
        next.settled = true;
      },
      // A failed load is not kept: the next request tries again.
      forget,
    );
    return next;
  }
}
