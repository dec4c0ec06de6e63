/**
 * What scoring returns: the scores of versions, people and organisations with what explains
 * them, and the resolved dependency graph they were propagated over. `score.ts` re-exports these.
 */
import type { LocalScore } from './local.js';
import type { VersionFlag } from './version-flags.js';

export interface VersionScore {
  key: string;
  local: LocalScore;
  /** Trust of the publishers (minimum), and who set it. */
  publishersTrust: number;
  limitingPublisher: string | undefined;
  ownTrust: number;
  trust: number;
  exposure: number;
  limitedBy: string[];
  reach: number;
  busFactor: number;
  busFactorSource: 'contributors' | 'publishers and maintainers' | 'unknown';
  fragility: number;
  fragilityDisplay: number;
  maintainers: string[];
  /** Change flags as of the run's instant, worst first (TRUST-MODEL.md 6.2). */
  flags: VersionFlag[];
  /** What the flags multiply own trust by (1 without flags). */
  flagFactor: number;
}

/** A version's scores before propagation: what it shows on its own and who publishes it. */
export type OwnVersionScore = Omit<
  VersionScore,
  'trust' | 'exposure' | 'limitedBy' | 'reach' | 'fragility' | 'fragilityDisplay'
>;

export interface PersonScore {
  key: string;
  /** Their record as one number (imputed when unknown). */
  local: number;
  /** What the record is made of, as of the run's instant. */
  record: {
    known: boolean;
    tenureYears: number | undefined;
    firstRelease: string | undefined;
    releases: number;
    activeYears: number;
    packages: number;
    provenanceShare: number | undefined;
  };
  reputation: number;
  trust: number;
  maintainerReach: number;
  soleMaintainerReach: number;
  fragility: number;
  /** The anchors its reputation comes from, largest share first (PPR is linear in the anchors). */
  anchorShares: AnchorShare[];
  /** The walk from an anchor with the highest product of transition probabilities. */
  walk: string[];
}

export interface OrganisationScore {
  key: string;
  reputation: number;
  trust: number;
  anchorShares: AnchorShare[];
  walk: string[];
}

export interface AnchorShare {
  anchor: string;
  share: number;
}

/** Resolved dependencies between versions, by index into `nodes`, with their weights. */
export interface DependencyEdges {
  from: number[];
  to: number[];
  weight: number[];
}

export interface ScoreResult {
  /** The instant the scores are as of (ISO): later releases did not exist for them. */
  asOf: string;
  versions: Map<string, VersionScore>;
  persons: Map<string, PersonScore>;
  organisations: Map<string, OrganisationScore>;
  /** The selected (highest resolved) version of each package that has one. */
  packageVersion: Map<string, string>;
  anchorsUsed: string[];
  anchorsMissing: string[];
  reachMethod: 'exact' | 'hyperloglog';
  /** The roots the graph was ingested for (RESOLVES_TO roots). */
  roots: string[];
  /** The resolved dependency graph: index of each version, and edges by index. */
  nodes: string[];
  dependencies: DependencyEdges;
}
