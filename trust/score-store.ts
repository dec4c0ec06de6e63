/** Scoring a store's whole graph: load, compute, and optionally write the scores back. */
import type { GraphStore } from '../graph/store.js';
import { resolveAnchors } from './anchors.js';
import { loadTrustGraph } from './load.js';
import { computeScores, type ScoreResult } from './score.js';
import { writeScores } from './write-scores.js';

/** Loads the store's graph and scores it with the anchors of `cwd` (or the ones given). */
export async function scoreFromStore(
  store: GraphStore,
  cwd: string,
  anchors?: readonly string[],
  asOf?: Date,
): Promise<{ result: ScoreResult; source: string }> {
  const graph = await loadTrustGraph(store);
  const resolved = resolveAnchors(cwd, anchors);
  const options = { anchors: resolved.anchors, ...(asOf === undefined ? {} : { asOf }) };
  return { result: computeScores(graph, options), source: resolved.source };
}

/** Scores the store's graph and writes the scores back; returns a line for people. */
export async function scoreStore(
  store: GraphStore,
  cwd: string,
  anchors?: readonly string[],
): Promise<string> {
  const { result } = await scoreFromStore(store, cwd, anchors);
  const written = await writeScores(store, result, new Date().toISOString());
  return `scored ${written.versions} resolved versions, ${written.packages} packages, ${written.persons} people and ${written.organisations} organisations\n`;
}
