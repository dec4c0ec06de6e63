/**
 * The scores of the last scoring run, as stored on the nodes, over the stored resolved graph: what
 * every view (chokepoints, what-if, the CLI's and the API's) ranks and answers from, so that none
 * of them shows numbers other than the graph's colours and the node details. Nothing here scores.
 */
import { NotFoundError, InvalidInputError } from '../core/errors.js';
import type { EdgeList } from './csr.js';
import { indexDependencies } from './dependency-graph.js';
import type { ScoringRun, TrustGraph } from './load.js';
import type { VersionScores } from '../shared/scores.js';

/** A version's stored scores, as the reports read them. */
export type ReportScore = VersionScores;

/** The resolved graph with the stored scores of its versions: what trust/report.ts answers from. */
export interface ScoredGraph {
  /** The resolved versions, by index. */
  nodes: string[];
  dependencies: EdgeList;
  /** The roots the graph was ingested for. */
  roots: string[];
  /** The versions the last run scored. */
  versions: Map<string, ReportScore>;
  persons: ReadonlySet<string>;
  scoring: ScoringRun;
}

/** The stored scores of `graph`; NotFoundError when no scoring run has stored any. */
export function storedScores(graph: TrustGraph): ScoredGraph {
  const scoring = graph.scoring;
  if (scoring === undefined)
    throw new NotFoundError(
      'nothing is scored yet: run "trustmap score" (an ingest from the explorer scores too)',
    );
  // The versions indexed as the scorer indexes them (one function for both).
  const { nodes, dependencies, roots } = indexDependencies(graph);
  const versions = new Map<string, ReportScore>();
  for (const key of nodes) {
    const stored = graph.versions.get(key)?.stored;
    if (stored === undefined) continue;
    const pkg = graph.packageOf.get(key);
    versions.set(key, {
      reach: stored.reach,
      maintainers: pkg === undefined ? [] : (graph.maintainers.get(pkg) ?? []),
      busFactor: stored.busFactor,
      busFactorSource: stored.busFactorSource ?? 'unknown',
      ownTrust: stored.ownTrust,
      trust: stored.trust,
      fragility: stored.fragility,
    });
  }
  return { nodes, dependencies, roots, versions, persons: graph.persons, scoring };
}

/**
 * Refuses anchors other than the stored run's: a view shows the stored scores, and quietly
 * recomputing them with other anchors would make it disagree with every other view.
 */
export function requireStoredAnchors(
  scoring: ScoringRun,
  anchors: readonly string[] | undefined,
): void {
  if (anchors === undefined || anchors.length === 0) return;
  const stored = new Set(scoring.anchors);
  const given = new Set(anchors);
  const same = given.size === stored.size && [...given].every((a) => stored.has(a));
  if (same) return;
  throw new InvalidInputError(
    `the stored scores (${scoring.scoredAt}) were computed with the anchors ${scoring.anchors.join(', ') || '(none in the graph)'}: ` +
      `run "trustmap score --anchor ${anchors.join(' ')}" first to rank with others`,
  );
}
