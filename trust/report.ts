/** Chokepoint rankings from a score result, shared by the CLI and the API. */
import { NotFoundError } from '../errors.js';
import { findRoot, forwardGraph, pathsFrom, pathTo } from './closure.js';
import type { ScoreResult } from './score.js';

export interface ChokepointRow {
  key: string;
  reach: number;
  maintainers: string[];
  busFactor: number;
  busFactorSource: string;
  ownTrust: number;
  trust: number;
  fragility: number;
  /** One dependency path from the root (or just the node, without a root). */
  path: string[];
}

/** The index in `nodes` (resolved version keys) of a root spec; NotFoundError when not ingested. */
export function rootIndex(nodes: readonly string[], spec: string): number {
  const root = findRoot(nodes, spec);
  if (root === undefined)
    throw new NotFoundError(
      `${spec} is not in the scored graph: ingest it first (trustmap ingest ${spec})`,
    );
  return root;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Versions with dependents, most fragile first, within a root's closure when one is given. */
export function chokepoints(
  result: ScoreResult,
  options: { root?: string | undefined; limit: number },
): ChokepointRow[] {
  const root = options.root === undefined ? undefined : rootIndex(result.nodes, options.root);
  const parents = root === undefined ? undefined : pathsFrom(forwardGraph(result), root);
  const rows: ChokepointRow[] = [];
  result.nodes.forEach((key, i) => {
    const score = result.versions.get(key);
    if (score === undefined || score.reach === 0) return;
    const path = parents === undefined ? [i] : pathTo(parents, i);
    if (path === undefined) return;
    rows.push({
      key,
      reach: score.reach,
      maintainers: score.maintainers,
      busFactor: score.busFactor,
      busFactorSource: score.busFactorSource,
      ownTrust: round(score.ownTrust),
      trust: round(score.trust),
      fragility: round(score.fragility),
      path: path.map((j) => result.nodes[j] as string),
    });
  });
  rows.sort((a, b) => b.fragility - a.fragility || b.reach - a.reach || a.key.localeCompare(b.key));
  return rows.slice(0, options.limit);
}
