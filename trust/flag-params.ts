/**
 * The change flags' thresholds and severities (TRUST-MODEL.md section 6.2), in one place. They
 * are chosen on the incident replays and the benign history (`bench/flags-benign.ts`), and the
 * rates they give are recorded with them in docs/trust-model.md and bench/RESULTS.md.
 */
export type FlagSeverity = 'high' | 'medium' | 'low' | 'info';

export const FLAG_IDS = [
  'new-publisher',
  'maintainers-changed',
  'install-script-added',
  'dependency-added',
  'provenance-dropped',
  'provenance-unverified',
  'repository-mismatch',
  'untagged',
  'trusted-publishing-dropped',
  'dormant-then-release',
  'release-burst',
  'unusual-version',
  'young-package',
  'malicious',
  'advisory',
] as const;

export type FlagId = (typeof FLAG_IDS)[number];

const DAY_MS = 24 * 3600 * 1000;

export const FLAG_PARAMS = {
  /**
   * A release is compared with the package's record as it stood this long before it: releases
   * closer than that (a burst of a few minutes) do not make one another look established.
   */
  settleMs: DAY_MS,
  /** new-publisher is medium when the account published before, but not in the last K releases or N days. */
  publisherRecentReleases: 5,
  publisherRecentMs: 365 * DAY_MS,
  /**
   * An account whose first release in the graph is older than this is established: its taking
   * over a package is a medium change, a new account's a high one.
   */
  establishedMs: 365 * DAY_MS,
  /** A package younger than this at a release is young (young-package; a young dependency). */
  youngPackageMs: 30 * DAY_MS,
  /**
   * maintainers-changed dates the change between two releases' lists: when they are further apart
   * than this, the change may be old news, and an established account's addition is low.
   */
  maintainersWindowMs: 90 * DAY_MS,
  /**
   * unusual-version: a release whose major line skips at least this many lines above every
   * earlier one (2.x to 9.0.0; the dependency-confusion pattern). None of the 1,117 benign
   * versions skips one.
   */
  majorLinesSkipped: 1,
  /** `untagged` needs this many tagged releases right before an untagged one. */
  taggedReleases: 3,
  /** A release after this long without one is dormant-then-release. */
  dormantMs: 365 * DAY_MS,
  /** This many releases of the package (this one included) within the window is a burst. */
  burstReleases: 3,
  burstWindowMs: 60 * 60 * 1000,
  /** A new major line opened within the burst window after a release of an older line. */
  majorLineSeverity: 'low' as FlagSeverity,
  /** Own trust is multiplied by this for each flag of the severity: a high flag bites at any base. */
  factor: { high: 0.5, medium: 0.85, low: 0.95, info: 1 } as Record<FlagSeverity, number>,
  /** Order for sorting and for "the worst flag" (a graph mark). */
  rank: { high: 3, medium: 2, low: 1, info: 0 } as Record<FlagSeverity, number>,
} as const;

export type FlagParams = typeof FLAG_PARAMS;
