/**
 * The chokepoint phase of scoring (TRUST-MODEL.md 2.5) over the resolved graph: each version's
 * reach (exact for the closures people ingest, HyperLogLog sketches above EXACT_REACH_LIMIT)
 * and each person's maintainer reach, sole-maintainer reach and fragility.
 */
import { append } from '../core/collections.js';
import { maintainerReach, reach as exactReach } from './chokepoints.js';
import type { TrustGraph } from './load.js';
import { publishersOf } from './own-trust.js';
import { approximateReach } from './reach-sketch.js';
import type { DependencyEdges, PersonScore, ScoreResult, VersionScore } from './score-types.js';

/** Above this many resolved versions, reach is estimated (HyperLogLog, about ±13%). */
export const EXACT_REACH_LIMIT = 20_000;

export interface VersionReach {
  /** Dependents of each node, by index. */
  reach: ArrayLike<number>;
  reachMethod: ScoreResult['reachMethod'];
}

/** How many versions transitively depend on each version. */
export function versionReach(n: number, dependencies: DependencyEdges): VersionReach {
  const reachMethod = n <= EXACT_REACH_LIMIT ? 'exact' : 'hyperloglog';
  return {
    reachMethod,
    reach:
      reachMethod === 'exact' ? exactReach(n, dependencies) : approximateReach(n, dependencies),
  };
}

/**
 * Fills in each person's maintainer reach, sole-maintainer reach and fragility
 * F(u) = soleMR(u) * (1 - T_u), over the versions they can publish.
 */
export function scoreMaintainerReach(
  graph: TrustGraph,
  nodes: string[],
  dependencies: DependencyEdges,
  versions: Map<string, VersionScore>,
  persons: Map<string, PersonScore>,
): void {
  const n = nodes.length;
  const packagesOf = new Map<string, number[]>();
  const publisherCount = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const key = nodes[i] as string;
    const score = versions.get(key);
    publisherCount[i] = score?.busFactorSource === 'unknown' ? 0 : (score?.busFactor ?? 0);
    for (const person of publishersOf(graph, key)) append(packagesOf, person, i);
  }
  for (const [person, mr] of maintainerReach(n, dependencies, packagesOf, publisherCount)) {
    const score = persons.get(person);
    if (score === undefined) continue;
    score.maintainerReach = mr.reach;
    score.soleMaintainerReach = mr.soleReach;
    score.fragility = mr.soleReach * (1 - score.trust);
  }
}
