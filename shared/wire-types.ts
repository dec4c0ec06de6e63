/**
 * The shapes that cross the wire between the server and the browser explorer, declared once for
 * both. It imports only shared/ files: the client's build (DOM, no Node) type-checks it as it is.
 */
import type { JsonValue, Neighbour, Progress } from './domain.js';
import type { VersionScores } from './scores.js';

export type { JsonValue, Neighbour, Progress };

/**
 * The caps a what-if, chokepoints or investigation answer was built under (answers that
 * carry a path per row would otherwise grow with the square of the chain's depth).
 */
export interface AnswerLimits {
  /** Most rows listed: the request's `limit`. */
  rows: number;
  /** Longest path carried, in hops; a longer path is cut after this many and says so. */
  pathHops: number;
  /** Largest answer, in bytes of JSON; rows past it are left out and the answer says so. */
  bytes: number;
}

/** One shortest path of an answer, cut at `AnswerLimits.pathHops`. */
export interface BoundedPath {
  /**
   * The path's first nodes (all of them unless `pathTruncated`): version keys from where the
   * question starts (the root, or a version the person publishes) to the row's version.
   */
  path: string[];
  /** Hops of the whole shortest path, also when it was cut. */
  hops: number;
  /** True when the path was longer than the cap: `path` holds only its first `pathHops` hops. */
  pathTruncated: boolean;
}

/** How bad a change flag is (trust/flag-params.ts); a version's `flagSeverity` is its worst. */
export type FlagSeverity = 'high' | 'medium' | 'low' | 'info';

/**
 * One change flag of a version as the wire carries it (`GET /api/nodes/:key`, chokepoint rows,
 * `trustmap explain --json`): from the stored explanation, worst first. `evidence` names the
 * change in words; it holds registry text (names, versions, script text): show it as text only.
 */
export interface WireFlag {
  id: string;
  severity: FlagSeverity;
  evidence: string;
  /** When the flag holds from: the release's upload time (ISO). */
  since: string;
}

/**
 * One chokepoint of a ranking. Its `path` is the shortest dependency path from the root, or just
 * the version without a root.
 */
export interface ChokepointRow extends BoundedPath, VersionScores {
  key: string;
  /** The version's stored change flags, worst first; [] when it has none. */
  flags: WireFlag[];
  /** The worst of `flags`; null when it has none. */
  flagSeverity: FlagSeverity | null;
}

/** One release of a package's timeline (`GET /api/packages/:key/timeline`). */
export interface TimelineRelease {
  key: string;
  version: string;
  publishedAt: string;
  /** Person keys of who published it; null when the registry did not say. */
  publishers: string[] | null;
  /** Person keys of its manifest's maintainers; null when unknown. */
  maintainers: string[] | null;
  /** Maintainers added and removed since the previous release (both [] when either is unknown). */
  maintainersAdded: string[];
  maintainersRemoved: string[];
  /** preinstall, install, postinstall present; null when unknown. */
  installScripts: string[] | null;
  /** Install scripts that the previous release did not have. */
  installScriptsAdded: string[];
  /** Dependencies ("name@range") whose name the previous release did not depend on. */
  dependenciesAdded: string[];
  /** Dependency names the previous release had and this one does not. */
  dependenciesRemoved: string[];
  provenance: boolean | null;
  trustedPublisher: boolean | null;
  /** The worst stored change flag of this release; null when it has none or is not scored. */
  flagSeverity: FlagSeverity | null;
  /** Its stored change flags' ids, worst first. */
  flagIds: string[];
}

/** A package's releases over time, oldest first (`GET /api/packages/:key/timeline`). */
export interface PackageTimelineAnswer {
  key: string;
  releases: TimelineRelease[];
  /** How many releases with a publish time the package has. */
  total: number;
  /** True when only the newest `releases.length` of `total` are listed. */
  truncated: boolean;
  /** The instant the record is cut at (the stored scores are as of it); null: not cut. */
  asOf: string | null;
  /** Releases published after `asOf`, not listed: the scores beside them did not see them. */
  later: number;
}

/** The scoring run an answer's numbers come from (`trustmap score`, stored on the nodes). */
export interface ScoringRunInfo {
  scoredAt: string;
  /** The anchors the scores were computed with (those of the run that were in the graph). */
  anchors: string[];
  /** The instant the scores are as of (`trustmap score --as-of`; otherwise when they ran). */
  asOf: string;
}

/** A ranking of chokepoints (`GET /api/chokepoints`, `trustmap chokepoints --json`). */
export interface ChokepointsAnswer {
  root: string | null;
  chokepoints: ChokepointRow[];
  /** How many versions the ranking has before any cut. */
  total: number;
  /** True when anything was left out: rows past a limit, or a path cut (which says so). */
  truncated: boolean;
  limits: AnswerLimits;
  scoring: ScoringRunInfo;
}

/**
 * A version a compromised account reaches. `path` is the shortest dependency path from the root
 * when one was given; without a root, the shortest way the publish spreads: from a version the
 * person publishes, each next version depending on the one before, to this one.
 */
export interface ReachedVersion extends BoundedPath {
  key: string;
}

/** What one compromised account reaches (`GET /api/whatif`, `trustmap whatif --json`). */
export interface WhatIfAnswer {
  person: string;
  /** Resolved versions the person can publish (as a maintainer or a publisher), first ones. */
  publishesInto: string[];
  /** How many versions the person can publish (`publishesInto` may list fewer). */
  publishes: number;
  /** How many versions a malicious publish would reach (`reached` may list fewer). */
  reaches: number;
  rootsReached: string[];
  reached: ReachedVersion[];
  /** True when anything was left out: rows past a limit, or a path cut (which says so). */
  truncated: boolean;
  limits: AnswerLimits;
  scoring: ScoringRunInfo;
}

/** A root's supply chain in graphology's serialization format (`GET /api/graph`). */
export interface SerializedGraph {
  attributes: { root: string; truncated: boolean };
  options: { type: 'directed'; multi: true; allowSelfLoops: false };
  nodes: { key: string; attributes: Record<string, string | number | boolean | null> }[];
  /**
   * `/api/graph` sends no edge keys: graphology's `import` gives a keyless edge one of its own. The
   * console's graph keys each relationship by its id, to show it once.
   */
  edges: { key?: string; source: string; target: string; attributes: { type: string } }[];
}

/**
 * `GET /api/graph?format=compact` (shared/graph-wire.ts): the graphology answer with each edge as
 * three numbers in `edges`: its source's and its target's positions in `nodes`, and its type's in
 * `edgeTypes`.
 */
export interface CompactGraph {
  format: 'compact';
  attributes: SerializedGraph['attributes'];
  options: SerializedGraph['options'];
  nodes: SerializedGraph['nodes'];
  edgeTypes: string[];
  edges: number[];
}

/** An advisory covering a version: its id, severity (when given) and whether it is malicious. */
export interface AdvisoryRef {
  id: string;
  severity?: string | undefined;
  malicious: boolean;
}

/** `trustmap diff` and `GET /api/diff`: one package whose version changed. */
export interface DiffChanged {
  name: string;
  from: string;
  to: string;
  jump: 'major' | 'minor' | 'patch' | 'prerelease' | 'downgrade' | 'other';
}

export interface DiffPerson {
  key: string;
  name: string;
  /** The packages of the tree they can publish (head for added people, base for removed). */
  packages: string[];
  /** Days from their first release in the graph to the instant the scores are as of. */
  accountDays: number | undefined;
  newAccount: boolean;
  trust: number | undefined;
}

export interface DiffReviewItem {
  /** Lower is read first. */
  rank: number;
  kind:
    | 'malicious'
    | 'new-account'
    | 'flag'
    | 'install-script'
    | 'provenance-lost'
    | 'advisory'
    | 'new-person'
    | 'trust-drop'
    | 'provenance-gained'
    | 'person-gone';
  subject: string;
  text: string;
}

/** Two installed trees compared in people terms (gate/diff.ts). */
export interface TreeDiffAnswer {
  base: string;
  head: string;
  asOf: string | undefined;
  added: string[];
  removed: string[];
  changed: DiffChanged[];
  peopleAdded: DiffPerson[];
  peopleRemoved: DiffPerson[];
  installScripts: { key: string; scripts: string[]; text: string[] }[];
  provenance: { name: string; from: string; to: string; change: 'gained' | 'lost' }[];
  flags: { key: string; flag: WireFlag }[];
  advisories: { key: string; advisory: AdvisoryRef }[];
  trust: { name: string; from: string; to: string; before: number; after: number; delta: number }[];
  review: DiffReviewItem[];
  /** For each added version, a path of version keys from the head root to it (the API's). */
  paths?: Record<string, string[]>;
}
