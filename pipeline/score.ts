/**
 * Stage 5, score: the store's whole graph scored with the anchors of `cwd` (or the ones given),
 * and the scores written back, replacing the previous run's.
 */
import { scoreFromStore } from '../trust/score-store.js';
import { writeScores } from '../trust/write-scores.js';
import type { StoreSource } from './stage-types.js';

export interface ScoreInput {
  /** Where trustmap.anchors.json is looked for. */
  cwd: string;
  anchors?: readonly string[] | undefined;
  /** Score as of this instant (`--as-of`): later releases do not exist; default now. */
  asOf?: Date | undefined;
}

export interface ScoreSummary {
  scoredAt: string;
  /** The instant the scores are as of. */
  asOf: string;
  versions: number;
  packages: number;
  persons: number;
  organisations: number;
  cleared: number;
  anchors: { source: string; used: string[]; notInGraph: number };
  elapsedMs: number;
}

export async function scoreGraph(input: ScoreInput, store: StoreSource): Promise<ScoreSummary> {
  const started = performance.now();
  const graph = await store.get();
  const { result, source } = await scoreFromStore(graph, input.cwd, input.anchors, input.asOf);
  const scoredAt = new Date().toISOString();
  const written = await writeScores(graph, result, scoredAt);
  return {
    scoredAt,
    asOf: result.asOf,
    versions: written.versions,
    packages: written.packages,
    persons: written.persons,
    organisations: written.organisations,
    cleared: written.cleared,
    anchors: { source, used: [...result.anchorsUsed], notInGraph: result.anchorsMissing.length },
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** The line people read after a scoring run that was part of an ingest. */
export function describeScores(summary: ScoreSummary): string {
  return `scored ${summary.versions} resolved versions, ${summary.packages} packages, ${summary.persons} people and ${summary.organisations} organisations\n`;
}
