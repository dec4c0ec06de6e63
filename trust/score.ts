/**
 * The whole model over a loaded graph, one phase after another: index the resolved dependency
 * graph (RESOLVES_TO between versions), reputation from the anchors, people's and
 * organisations' trust, each version's local signals and own trust (with its releases ordered
 * the way its ecosystem orders versions), propagation of effective trust and exposure,
 * chokepoints (reach, fragility, maintainer reach), and the selected version of each package.
 * Every score keeps what explains it (contributions, limiting paths, anchor shares, walks).
 * Pure: it reads a TrustGraph and returns numbers and explanations.
 */
import { scoreReputation } from './anchored-reputation.js';
import { scoreMaintainerReach, versionReach, type VersionReach } from './chokepoint-scores.js';
import { indexDependencies } from './dependency-graph.js';
import type { TrustGraph } from './load.js';
import { graphAsOf } from './graph-as-of.js';
import { flagGraph } from './graph-flags.js';
import { scoreOwnTrust } from './own-trust.js';
import { norm, TRUST_PARAMS } from './params.js';
import { scoreOrganisations, scorePeople } from './person-scores.js';
import { propagateTrust, type PropagatedTrust } from './propagate-trust.js';
import { releaseHistory, selectPackageVersions } from './release-history.js';
import type { OwnVersionScore, ScoreResult, VersionScore } from './score-types.js';

export type {
  AnchorShare,
  DependencyEdges,
  OrganisationScore,
  PersonScore,
  ScoreResult,
  VersionScore,
} from './score-types.js';
export { EXACT_REACH_LIMIT } from './chokepoint-scores.js';

/** Each version's full score: own trust, then what propagation and reach add to it. */
function versionScores(
  nodes: string[],
  own: Map<string, OwnVersionScore>,
  propagated: PropagatedTrust,
  { reach }: VersionReach,
): Map<string, VersionScore> {
  const versions = new Map<string, VersionScore>();
  for (let i = 0; i < nodes.length; i++) {
    const key = nodes[i] as string;
    const base = own.get(key);
    if (base === undefined) continue;
    const fragility = ((reach[i] as number) / base.busFactor) * (1 - base.ownTrust);
    versions.set(key, {
      ...base,
      trust: propagated.trust(i),
      exposure: propagated.exposure(i),
      limitedBy: propagated.limitedBy(i).map((j) => nodes[j] as string),
      reach: reach[i] as number,
      fragility,
      fragilityDisplay: norm(fragility, TRUST_PARAMS.fragilitySaturation),
    });
  }
  return versions;
}

/**
 * Scores at `now` (default: the wall clock) over the graph as it is, or `asOf` an instant over the
 * graph as it stood then (graph-as-of.ts), which is how a replay asks "what would it have said
 * then?". The flags read each package's releases up to the instant either way.
 */
export function computeScores(
  loaded: TrustGraph,
  options: { anchors: readonly string[]; now?: Date; asOf?: Date },
): ScoreResult {
  // `asOf` is a replay: the graph as it stood then, maintainers as the versions of then list
  // them; `now` only moves the clock (ages, recency) over the graph as it is.
  const now = options.asOf ?? options.now ?? new Date();
  const graph = options.asOf === undefined ? loaded : graphAsOf(loaded, options.asOf);
  const { nodes, dependencies, roots } = indexDependencies(graph);
  const reputation = scoreReputation(graph, options.anchors);
  const { persons, trustOf } = scorePeople(graph, reputation, now);
  const organisations = scoreOrganisations(graph, reputation);
  const flags = flagGraph(graph, now);
  const own = scoreOwnTrust(graph, nodes, releaseHistory(graph), trustOf, now, flags);
  const propagated = propagateTrust(nodes.length, dependencies, own.r0);
  const reach = versionReach(nodes.length, dependencies);
  const versions = versionScores(nodes, own.scores, propagated, reach);
  scoreMaintainerReach(graph, nodes, dependencies, versions, persons);
  return {
    asOf: now.toISOString(),
    versions,
    persons,
    organisations,
    packageVersion: selectPackageVersions(graph, nodes),
    anchorsUsed: reputation.anchorsUsed,
    anchorsMissing: reputation.anchorsMissing,
    reachMethod: reach.reachMethod,
    roots,
    nodes,
    dependencies,
  };
}
