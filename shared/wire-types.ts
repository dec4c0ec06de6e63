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

/**
 * One chokepoint of a ranking. Its `path` is the shortest dependency path from the root, or just
 * the version without a root.
 */
export interface ChokepointRow extends BoundedPath, VersionScores {
  key: string;
}

/** The scoring run an answer's numbers come from (`trustmap score`, stored on the nodes). */
export interface ScoringRunInfo {
  scoredAt: string;
  /** The anchors the scores were computed with (those of the run that were in the graph). */
  anchors: string[];
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
  edges: { key: string; source: string; target: string; attributes: { type: string } }[];
}
