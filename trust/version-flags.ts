/**
 * Change flags (TRUST-MODEL.md section 6.2): what a release changes in its package's record, as
 * of an instant. A release is compared with the record as it stood `settleMs` before it (so the
 * releases of one burst do not vouch for one another): who publishes, who maintains, what runs
 * at install, what gets pulled in, how it is built, and when. Releases published after the
 * instant do not exist; a fact the registry did not give (a mirror without maintainers) raises
 * no flag: unknown is not bad. Pure: it reads release facts and returns flags with sentences.
 */
import { FLAG_PARAMS, type FlagId, type FlagParams, type FlagSeverity } from './flag-params.js';
import {
  at,
  burstSizes,
  days,
  dependencyAdded,
  dormantThenRelease,
  installScriptAdded,
  maintainersChanged,
  newPublisher,
  people,
  provenanceDropped,
  releaseBurst,
  untaggedRelease,
  unusualVersion,
  type Flagger,
} from './flag-rules.js';

export { dependencyName } from './flag-rules.js';

/** What one release shows, as the trust graph holds it (`trust/load.ts`). */
export interface ReleaseFacts {
  key: string;
  version: string;
  /** Upload time (ISO); releases without one are not in a timeline. */
  publishedAt: string;
  /** Person keys of who published it; undefined when unknown. */
  publishers: string[] | undefined;
  maintainers: string[] | undefined;
  installScripts: string[] | undefined;
  installScriptText: string[] | undefined;
  /** "name@range" */
  dependencies: string[] | undefined;
  provenance: boolean | undefined;
  trustedPublisher: boolean | undefined;
  /** Whether its repository has a tag for it; undefined when the repository was not read. */
  tagged?: boolean | undefined;
}

/** A package's releases up to the instant, oldest first. */
export interface PackageTimeline {
  key: string;
  name: string;
  createdAt: string | undefined;
  /** The `latest` dist-tag as of the instant, when known (a tag on a later release is not). */
  latest: string | undefined;
  releases: ReleaseFacts[];
}

export interface VersionFlag {
  id: FlagId;
  severity: FlagSeverity;
  /** The change in words, naming what changed: the sentence a reader sees first. */
  evidence: string;
  /** When the flag holds from: the release's upload time. */
  since: string;
  /** The packages it is about, where it names some (the dependencies a release adds). */
  packages?: string[];
  /** The new accounts behind it, where that is what it says (a young package's publishers). */
  accounts?: string[];
}

/** What a flag of one package needs to know about others (a dependency's age and flags). */
export interface FlagContext {
  /** Creation time of a package by key (`time.created`), when known. */
  createdAt: (pkg: string) => string | undefined;
  /** The key of the package a dependency name denotes in this ecosystem, if it is a name. */
  packageKey: (name: string) => string | undefined;
  /** When an account's first release in the graph was published (as of the instant). */
  accountSince: (person: string) => string | undefined;
  /** Who published any release of a package (as of the instant). */
  publishersOf: (pkg: string) => readonly string[];
}

/** The flags of each release of a timeline, by version key. */
export function timelineFlags(
  timeline: PackageTimeline,
  context: FlagContext,
  params: FlagParams = FLAG_PARAMS,
): Map<string, VersionFlag[]> {
  const out = new Map<string, VersionFlag[]>();
  const { releases } = timeline;
  const created = at(timeline.createdAt ?? releases[0]?.publishedAt);
  // Oldest first: the settled record of each release is a prefix, found with one pointer.
  const times = releases.map((r) => at(r.publishedAt));
  const bursts = burstSizes(times, params.burstWindowMs);
  let settledCount = 0;
  for (let i = 0; i < releases.length; i++) {
    const release = releases[i] as ReleaseFacts;
    const time = times[i] as number;
    while (settledCount < i && (times[settledCount] as number) <= time - params.settleMs)
      settledCount++;
    const settled = releases.slice(0, settledCount);
    const flags: VersionFlag[] = [];
    const flag: Flagger = (id, severity, evidence, packages, accounts) => {
      flags.push({
        id,
        severity,
        evidence,
        since: release.publishedAt,
        ...(packages === undefined ? {} : { packages }),
        ...(accounts === undefined ? {} : { accounts }),
      });
    };
    newPublisher(timeline, release, settled, context, params, flag);
    maintainersChanged(release, settled, context, params, flag);
    installScriptAdded(release, settled, flag);
    dependencyAdded(release, settled, context, params, flag);
    provenanceDropped(release, settled, flag);
    untaggedRelease(release, settled, params, flag);
    dormantThenRelease(release, releases[i - 1], params, flag);
    releaseBurst(releases, i, bursts[i] as [number, number], params, flag);
    if (time - created < params.youngPackageMs && i > 0) {
      // A new package of a new account: nobody with a record stands behind it. Medium here;
      // high once another account's release pulls it in (graph-flags.ts).
      const newAccounts = (release.publishers ?? []).filter(
        (p) => time - at(context.accountSince(p)) < params.youngPackageMs,
      );
      const byNew = newAccounts.length > 0 && newAccounts.length === release.publishers?.length;
      flag(
        'young-package',
        'medium',
        `${timeline.name} is ${days(time - created)} days old at this release${byNew ? `, published by ${people(newAccounts)}, whose first release anywhere was ${days(time - at(context.accountSince(newAccounts[0] as string)))} days before` : ''}`,
        undefined,
        byNew ? newAccounts : undefined,
      );
    }
    unusualVersion(releases, i, timeline.latest, params, flag);
    if (flags.length > 0) out.set(release.key, flags);
  }
  return out;
}

/** The worst severity among flags, if any. */
export function worstSeverity(flags: readonly VersionFlag[]): FlagSeverity | undefined {
  let worst: FlagSeverity | undefined;
  for (const f of flags)
    if (worst === undefined || FLAG_PARAMS.rank[f.severity] > FLAG_PARAMS.rank[worst])
      worst = f.severity;
  return worst;
}

/** The factor own trust is multiplied by for these flags. */
export function flagFactor(
  flags: readonly VersionFlag[],
  params: FlagParams = FLAG_PARAMS,
): number {
  return flags.reduce((product, f) => product * params.factor[f.severity], 1);
}
