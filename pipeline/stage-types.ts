/**
 * What the pipeline's stages share: where they get the store, and how they report progress. The
 * store is asked for by the stage that needs it, so a run whose roots go to BullMQ workers (which
 * hold the embedded store themselves) opens it only for the stages after, and never twice.
 */
import type { GraphStore } from '../graph/store.js';
import type { Progress } from '../shared/domain.js';

export interface StoreSource {
  /** The store, opened on the first call; the same one on every call after. */
  get(): Promise<GraphStore>;
}

/** A store that is open already (the server's). */
export function openedStore(store: GraphStore): StoreSource {
  return { get: () => Promise.resolve(store) };
}

export const STAGES = ['roots', 'repositories', 'advisories', 'identities', 'score'] as const;
export type StageName = (typeof STAGES)[number];

export interface PipelineProgress {
  /** A stage is about to start. */
  stage?: (stage: StageName) => void;
  /** The roots stage's counts, as packages are fetched and written. */
  roots?: (progress: Progress) => void;
  /** Repositories done (read or not) of the total. */
  repositories?: (done: number, total: number) => void;
}
